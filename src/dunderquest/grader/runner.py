"""Grading one level: pytest runs the level's checks in this (trusted) process, and the checks drive
the learner's code in a sandbox process. The result is complete by construction: every check that
was collected gets exactly one outcome, and a check that produced none counts as failed."""

from __future__ import annotations

import os
import random
import socket
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.catalog import LEVELS_DIR, Level, check_title, default_catalog
from ..core.data import current_source
from .expect import CheckFailed
from .forked_sandbox import SandboxMaker, receive
from .preview import preview
from .reference import Mnist
from .result import OUTPUT_CUT, STOPPED_BY_CODE, CheckResult, LevelResult
from .sandbox import OUTPUT_LIMIT, LoadFailed, Sandbox, SandboxProblem


def check_name(function: Any) -> str:
    return check_title(function.__name__, function.__doc__)


def message_for(exc: BaseException) -> str:
    if isinstance(exc, CheckFailed | SandboxProblem):
        return str(exc)
    if os.environ.get("DUNDERQUEST_DEBUG"):
        traceback.print_exception(exc, file=sys.stderr)
    return (f"The grader itself failed in this check ({type(exc).__name__}: {exc}). This is a problem in "
            "dunderquest, not in your code.")


@dataclass
class Assignment:
    """What one grading run is about: the level, the learner's file, and how to reach a sandbox."""

    level: Level
    learner_file: Path
    display_path: str
    start: Any  # makes a sandbox process (see sandbox.SandboxProcess)
    mnist: Mnist
    seed: int


class GraderPlugin:
    """A pytest plugin: it gives the checks their fixtures and records one outcome per check.

    It is given its assignment up front (a one-off run), or it waits for it once pytest has
    collected the checks of every level (`await_assignment`): a spare runner does the collecting
    while it is idle, so a request pays only for running the checks."""

    def __init__(self, assignment: Assignment | None = None, await_assignment: Any = None):
        self.assignment = assignment
        self.await_assignment = await_assignment
        self._sandbox: Sandbox | None = None
        self.expected: list[tuple[str, str]] = []
        self.outcomes: dict[str, CheckResult] = {}
        self.collect_errors: dict[str, str] = {}  # checks file -> error
        self.load_messages: set[str] = set()

    # fixtures ----------------------------------------------------------------------------------

    import pytest as _pytest

    @_pytest.fixture(scope="session")
    def sandbox(self) -> Sandbox:
        return self._sandbox

    @_pytest.fixture(scope="session")
    def level(self) -> Level:
        """The level being graded (its class name, its title). The learner's file, as a message should
        name it, is `sandbox.display_path`: it is not always `level.exercise_path`."""
        return self.assignment.level

    @_pytest.fixture(scope="session")
    def mnist(self) -> Mnist:
        return self.assignment.mnist

    @_pytest.fixture(scope="session")
    def rng(self) -> random.Random:
        """Seeds and sample indices, chosen afresh on every run, so answers cannot be known ahead."""
        return random.Random(self.assignment.seed)

    # hooks -------------------------------------------------------------------------------------

    def pytest_configure(self, config: Any) -> None:
        # pytest's own failure report (source excerpts for each traceback entry) is never shown:
        # the learner reads our messages. Python's plain traceback format costs next to nothing.
        config.option.tbstyle = "native"

    def pytest_collection_modifyitems(self, items: list) -> None:
        if self.assignment is None:
            self.assignment = self.await_assignment()
        task = self.assignment
        if task is not None:
            self._sandbox = Sandbox(task.learner_file, task.display_path, start=task.start,
                                    module_name=task.level.folder.name, seed=task.seed)
        checks = task.level.checks_path if task is not None else None
        items[:] = [item for item in items if Path(item.path) == checks]
        self.expected = [(item.name, check_name(item.function)) for item in items]

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.collect_errors[str(report.nodeid)] = str(report.longrepr)[-2000:]

    def pytest_sessionfinish(self) -> None:
        if self._sandbox is not None:
            self._sandbox.close()

    @_pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: Any, call: Any):
        outcome = yield
        report = outcome.get_result()
        if item.name in self.outcomes:
            return  # one outcome per check: the first failure (setup or call) is the one that counts
        if call.excinfo is not None and report.failed:
            exc = call.excinfo.value
            self.outcomes[item.name] = CheckResult(item.name, check_name(item.function), False,
                                                   self._message(exc), getattr(exc, "line", None))
        elif call.when == "call" and report.passed:
            self.outcomes[item.name] = CheckResult(item.name, check_name(item.function), True, "")
        elif report.skipped:
            self.outcomes[item.name] = CheckResult(item.name, check_name(item.function), False,
                                                   "This check was skipped, so it did not pass.")

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
        if getattr(task.start, "zygote_died", lambda: False)():
            # The learner's code killed the process that makes sandboxes: whatever the checks saw,
            # the run cannot be trusted. (On the warm grader the same thing loses the whole run.)
            checks = [CheckResult(c.id, c.name, False, STOPPED_BY_CODE) for c in checks]
        cut = self._sandbox is not None and self._sandbox.output_was_cut
        notes = [OUTPUT_CUT.format(limit=OUTPUT_LIMIT // 2**20)] if cut else []
        return LevelResult(task.level.id, task.level.title, all(c.passed for c in checks),
                           task.mnist.source.description, checks, round(time.monotonic() - began, 3), notes)


PYTEST_ARGS = [
    "--noconftest", "--import-mode=importlib", "-c", os.devnull, "--capture=sys",
    "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:warnings", "-p", "no:faulthandler",
    "-p", "no:unraisableexception", "-p", "no:threadexception", "-p", "no:logging",
    "-p", "no:pastebin", "-p", "no:junitxml", "-p", "no:doctest", "-p", "no:stepwise",
    "-p", "no:python_path", "-p", "no:legacypath", "-p", "no:tmpdir", "-p", "no:monkeypatch",
    "-p", "no:recwarn", "-p", "no:setuponly", "-p", "no:setupplan", "-p", "no:debugging",
    "-p", "no:assertion",  # checks speak through CheckFailed, never through bare asserts
]


def run_pytest(plugin: GraderPlugin, paths: list[Path]) -> None:
    import pytest

    pytest.main([*PYTEST_ARGS, "--rootdir", str(LEVELS_DIR), *map(str, paths)], plugins=[plugin])


def grade(level: Level, learner_file: Path, *, display_path: str | None = None,
          mnist: Mnist | None = None, start: Any = None, seed: int | None = None) -> LevelResult:
    """Runs `level`'s checks against `learner_file`. Never raises for anything the learner wrote.

    `start` makes a sandbox process; by default this process imports torch and forks a zygote
    for them (the cold path)."""
    began = time.monotonic()
    if start is None:
        from .sandbox_forker import forked_sandboxes

        start = forked_sandboxes()
    seed = seed if seed is not None else int.from_bytes(os.urandom(4), "big")
    plugin = GraderPlugin(Assignment(level, Path(learner_file), display_path or level.exercise_path, start,
                                     mnist or Mnist(current_source()), seed))
    run_pytest(plugin, [level.checks_path])
    return plugin.level_result(began)


def grade_when_asked(levels: list[Level], await_assignment: Any) -> tuple[GraderPlugin, float]:
    """For a spare runner: collects every level's checks now, then waits in `await_assignment()`
    for its run (None: nothing to grade) and grades it. Returns the plugin and when the run began."""
    began: list[float] = []

    def assignment() -> Assignment | None:
        task = await_assignment()
        began.append(time.monotonic())
        return task

    plugin = GraderPlugin(await_assignment=assignment)
    run_pytest(plugin, [level.checks_path for level in levels])
    return plugin, began[0] if began else time.monotonic()


# -- a spare runner's life, in a process the zygote forked (see zygote.py) ---------------------------


def preloaded_mnist() -> Mnist | None:
    """The reference MNIST, read while the runner is still a spare (None if that fails: the run
    will then read it itself and report any problem)."""
    try:
        return Mnist(current_source()).preload()
    except Exception:
        return None


def serve_request(ctl: socket.socket, level_id: str | None = None) -> dict:
    """A spare runner's life: read MNIST and collect every level's checks while idle (only
    `level_id`'s, for a runner forked for a known request), then wait for the request on `ctl`, and
    answer it (grade or preview) with sandboxes from the zygote. Returns the reply for the client."""
    mnist = preloaded_mnist()
    asked: dict[str, Any] = {}

    def await_assignment() -> Assignment | None:
        try:
            request = asked["request"] = receive(ctl)[0]["request"]
        except (EOFError, OSError):
            os._exit(0)  # the zygote closed this spare without a request: nothing to do
        try:
            level = asked["level"] = default_catalog().get(request["level"])
            source = current_source()
            reference = mnist if mnist is not None and mnist.source == source else Mnist(source)
        except Exception as exc:  # a request we cannot serve: say so, in one line
            asked["error"] = f"{type(exc).__name__}: {exc}"
            return None
        if request.get("op") != "grade":
            return None
        seed = request.get("seed")
        return Assignment(level, Path(request["file"]), request.get("display") or level.exercise_path,
                          SandboxMaker(ctl), reference,
                          seed if seed is not None else int.from_bytes(os.urandom(4), "big"))

    try:
        levels = [default_catalog().get(level_id)] if level_id else list(default_catalog())
        plugin, began = grade_when_asked(levels, await_assignment)
        if "error" in asked:
            return {"ok": False, "error": asked["error"]}
        request = asked["request"]
        if request.get("op") == "preview":
            return {"ok": True, "preview": preview(asked["level"], request["file"], int(request.get("start", 0)),
                                                   source=current_source(), spawn=SandboxMaker(ctl))}
        return {"ok": True, "result": plugin.level_result(began).as_dict()}
    except Exception as exc:  # a bug of ours: say so, in one line
        traceback.print_exc(file=sys.stderr)
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
