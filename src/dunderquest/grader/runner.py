"""Grading one level: pytest runs the level's checks in this (trusted) process, and the checks drive
the learner's code in a sandbox process. One run at a time (`grade`), or many in one pytest session
(`GraderPlugin` with `await_assignment`, as a warm runner does: service/runners.py). The result is
complete by construction: every check that was collected gets exactly one outcome, and a check that
produced none counts as failed."""

from __future__ import annotations

import os
import random
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..core.catalog import Level, check_title
from ..core.data import current_source
from ..core.mistakes import named_in
from . import wire
from .causes import cause, learner_tree, shared_in_the_class
from .confinement.protections import BY_NAME, missing_note
from .expect import CheckFailed
from .messages import Exhausted, LoadFailed, SandboxProblem, readable
from .pointing import point
from .proxy import SandboxProxy
from .reference import Mnist
from .result import STOPPED_BY_CODE, CheckResult, LevelResult

if TYPE_CHECKING:
    from .service.processes import SandboxSource


def check_name(function: Any) -> str:
    return check_title(function.__name__, function.__doc__)


def message_for(exc: BaseException) -> str:
    if isinstance(exc, CheckFailed | SandboxProblem):
        return str(exc)
    if isinstance(exc, Exhausted):  # the learner's iterator ended where the check expected an item
        return (f"`{exc.expr}` raised StopIteration: your iterator ended there, where it should have given "
                "another item.")
    if raised_by_torch(exc):  # torch refused what the learner's code gave back
        return (f"Comparing what your code gave back with PyTorch's made torch raise {type(exc).__name__}: "
                f"{wire.shorten(str(exc), 200)}. Look at the kind and the shape of what your method returns.")
    if os.environ.get("DUNDERQUEST_DEBUG"):
        traceback.print_exception(exc, file=sys.stderr)
    return (f"The grader itself failed in this check ({type(exc).__name__}: {exc}). This is a problem in "
            "dunderquest, not in your code.")


def raised_by_torch(exc: BaseException) -> bool:
    """Whether torch itself raised `exc` (its innermost frame is torch's): on values the learner's code
    gave back, since the checks hand torch only those and the reference's."""
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and any(part in frames[-1].filename for part in ("/torch/", "/torchvision/"))


@dataclass
class Assignment:
    """What one grading run is about: the level, the learner's file, and where its sandboxes come from."""

    level: Level
    learner_file: Path
    display_path: str
    sandboxes: SandboxSource
    mnist: Mnist
    seed: int


class GraderPlugin:
    """A pytest plugin: it gives the checks their fixtures and records one outcome per check.

    It is given its assignment up front (a one-off run), or it grades one assignment after another
    in the same pytest session (`await_assignment`, which returns None when there are no more, and
    `on_result`, given each run's result): a runner collects the checks of every level once, while
    it is idle, and each request then pays only for running its level's checks. Between two runs
    every fixture is torn down, so nothing of one run reaches the next but the collected checks and
    the reference MNIST."""

    def __init__(self, assignment: Assignment | None = None, await_assignment: Any = None,
                 on_result: Any = None):
        self.assignment = assignment
        self.await_assignment = await_assignment
        self.on_result = on_result
        self.began = time.monotonic()
        self._sandbox: SandboxProxy | None = None
        self.expected: list[tuple[str, str]] = []
        self.outcomes: dict[str, CheckResult] = {}
        self.collect_errors: dict[str, str] = {}  # checks file -> error
        self.load_messages: set[str] = set()

    # fixtures ----------------------------------------------------------------------------------

    @pytest.fixture(scope="session")
    def sandbox(self) -> SandboxProxy:
        """The learner's file, loaded in a sandbox (see proxy.py)."""
        return self._sandbox

    @pytest.fixture(scope="session")
    def level(self) -> Level:
        """The level being graded (its class name, its title). The learner's file, as a message should
        name it, is `sandbox.display_path`: it is not always `level.exercise_path`."""
        return self.assignment.level

    @pytest.fixture(scope="session")
    def mnist(self) -> Mnist:
        """The reference MNIST: torchvision's own objects over the data in use (see reference.py)."""
        return self.assignment.mnist

    @pytest.fixture(scope="session")
    def rng(self) -> random.Random:
        """Seeds and sample indices, chosen afresh on every run, so answers cannot be known ahead."""
        return random.Random(self.assignment.seed)

    # hooks -------------------------------------------------------------------------------------

    def pytest_configure(self, config: Any) -> None:
        # pytest's own failure report (source excerpts for each traceback entry) is never shown:
        # the learner reads our messages. Python's plain traceback format costs next to nothing.
        config.option.tbstyle = "native"

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: Any) -> bool:
        by_file: dict[Path, list[Any]] = {}
        for item in session.items:
            by_file.setdefault(Path(item.path), []).append(item)
        while True:
            if self.assignment is None and self.await_assignment is not None:
                self.assignment = self.await_assignment()
            task = self.assignment
            if task is None:
                return True
            self.began = time.monotonic()
            self.outcomes, self.load_messages = {}, set()
            self._sandbox = SandboxProxy(task.learner_file, task.display_path, sandboxes=task.sandboxes,
                                         module_name=task.level.folder.name, seed=task.seed,
                                         probes=task.level.probes_path)
            items = by_file.get(task.level.checks_path, [])
            self.expected = [(item.name, check_name(item.function)) for item in items]
            for number, item in enumerate(items):  # the last one's teardown ends the session's fixtures too
                following = items[number + 1] if number + 1 < len(items) else None
                self._sandbox.ran.clear()  # what this check runs of the learner's code (see pointing.py)
                item.ihook.pytest_runtest_protocol(item=item, nextitem=following)
            self._sandbox.close()
            if self.on_result is None:
                return True
            self.on_result(self.level_result(self.began))
            self.assignment = None

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.collect_errors[str(report.nodeid)] = str(report.longrepr)[-2000:]

    def pytest_sessionfinish(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: Any, call: Any) -> Any:
        """Records the check's outcome, and gives pytest its report of this phase without a formatted
        traceback: the learner reads our message instead, and formatting one took longer than most
        checks do."""
        excinfo = call.excinfo
        skipped = excinfo is not None and isinstance(excinfo.value, pytest.skip.Exception)
        outcome = "passed" if excinfo is None else "skipped" if skipped else "failed"
        longrepr = None
        if outcome == "skipped":
            longrepr = (str(item.path), 0, str(excinfo.value))
        elif outcome == "failed":
            longrepr = excinfo.typename
        self._record(item, call.when, outcome, excinfo)
        return pytest.TestReport(item.nodeid, item.location, {}, outcome, longrepr, call.when, duration=call.duration)

    def _record(self, item: Any, when: str, outcome: str, excinfo: Any) -> None:
        if item.name in self.outcomes:
            return  # one outcome per check: the first failure (setup or call) is the one that counts
        if outcome == "failed":
            exc = excinfo.value
            line, method = point(exc, self._sandbox, self.assignment.level.classes)
            message = self._message(exc)
            if said := self._cause(message, method):
                message, line, method = f"{said[0]}\n{message}", said[1] or line, method if said[1] is None else None
            self.outcomes[item.name] = CheckResult(item.name, check_name(item.function), False, readable(message),
                                                   line, method)
        elif when == "call" and outcome == "passed":
            self.outcomes[item.name] = CheckResult(item.name, check_name(item.function), True, "")
        elif outcome == "skipped":
            self.outcomes[item.name] = CheckResult(item.name, check_name(item.function), False,
                                                   "This check was skipped, so it did not pass.")

    def _cause(self, message: str, method: str | None) -> tuple[str, int | None] | None:
        """The beginner's mistake that explains a failed check, with its line (causes.py); a list shared
        through the class body is named in the first failure only."""
        tree = learner_tree(self._sandbox.learner_file)
        said = cause(message, tree, method)
        if said is None and not any(not outcome.passed for outcome in self.outcomes.values()):
            said = shared_in_the_class(tree)
        return said

    def _message(self, exc: BaseException) -> str:
        message = message_for(exc)
        if isinstance(exc, LoadFailed):
            if message in self.load_messages:
                return "Not checked: fix the problem in the first failing check first."
            self.load_messages.add(message)
        return message

    def results(self) -> list[CheckResult]:
        out = []
        for check_id, name in self.expected:
            out.append(self.outcomes.get(check_id) or CheckResult(
                check_id, name, False, "This check did not run to the end, so it did not pass."))
        if not out:
            errors = [e for node, e in self.collect_errors.items()
                      if self.assignment and self.assignment.level.folder.name in node] or ["none found"]
            detail = errors[0].strip().splitlines()[-1]
            out.append(CheckResult("load_checks", "The level's checks load", False,
                                   f"The grader could not load this level's checks ({detail}). This is a "
                                   "problem in dunderquest, not in your code."))
        return out

    def level_result(self, began: float) -> LevelResult:
        task = self.assignment
        checks = self.results()
        if getattr(task.sandboxes, "zygote_died", lambda: False)():
            # The learner's code killed the process that makes sandboxes: whatever the checks saw,
            # the run cannot be trusted. (On the warm grader the same thing loses the whole run.)
            checks = [CheckResult(c.id, c.name, False, STOPPED_BY_CODE) for c in checks]
        cut = self._sandbox is not None and self._sandbox.output_was_cut
        notes = [BY_NAME["output cap"].stops] if cut else []
        applied = self._sandbox.applied if self._sandbox is not None else None
        if applied is not None and (missing := missing_note(applied)):
            notes.append(missing)
        printed = self._sandbox.printed if self._sandbox is not None else ""
        return LevelResult(task.level.id, task.level.title, all(c.passed for c in checks),
                           task.mnist.source.description, checks, round(time.monotonic() - began, 3), notes,
                           printed, named_in(task.level, checks))


PYTEST_ARGS = [
    "--noconftest", "--import-mode=importlib", "-c", os.devnull, "--capture=sys",
    "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:warnings", "-p", "no:faulthandler",
    "-p", "no:unraisableexception", "-p", "no:threadexception", "-p", "no:logging",
    "-p", "no:pastebin", "-p", "no:junitxml", "-p", "no:doctest", "-p", "no:stepwise",
    "-p", "no:python_path", "-p", "no:legacypath", "-p", "no:tmpdir", "-p", "no:monkeypatch",
    "-p", "no:recwarn", "-p", "no:setuponly", "-p", "no:setupplan", "-p", "no:debugging",
    "-p", "no:assertion",  # checks speak through CheckFailed, never through bare asserts
]


OWN_FIXTURES = ("sandbox", "level", "mnist", "rng", "request")


def class_fixtures(levels: Sequence[Level]) -> object:
    """A plugin that gives each class the levels' `level.toml` names (`class` and `also`) as a fixture
    of that name: the learner's class, `sandbox.learner_class(name)`. A check asks for it by name,
    `def test_...(Data):`, and no level declares it itself."""
    def fixture_for(name: str) -> Any:
        def learner_class(self: object, sandbox: SandboxProxy) -> Any:
            return sandbox.learner_class(name)

        learner_class.__doc__ = f"The learner's class `{name}`, as level.toml names it."
        return pytest.fixture(name=name)(learner_class)

    names = sorted({name for level in levels for name in level.classes} - set(OWN_FIXTURES))
    return type("ClassFixtures", (), {f"class_{name}": fixture_for(name) for name in names})()


def run_pytest(plugin: GraderPlugin, levels: Sequence[Level]) -> None:
    paths = [level.checks_path for level in levels]
    root = paths[0].parent.parent if paths else Path.cwd()  # the pack's levels/ folder
    pytest.main([*PYTEST_ARGS, "--rootdir", str(root), *map(str, paths)], plugins=[plugin, class_fixtures(levels)])


def grade(level: Level, learner_file: Path, *, sandboxes: SandboxSource, display_path: str | None = None,
          mnist: Mnist | None = None, seed: int | None = None) -> LevelResult:
    """Runs `level`'s checks against `learner_file`, with sandboxes from `sandboxes`. Never raises
    for anything the learner wrote."""
    began = time.monotonic()
    seed = seed if seed is not None else int.from_bytes(os.urandom(4), "big")
    plugin = GraderPlugin(Assignment(level, Path(learner_file), display_path or level.exercise_path, sandboxes,
                                     mnist or Mnist(current_source()), seed))
    run_pytest(plugin, [level])
    return plugin.level_result(began)
