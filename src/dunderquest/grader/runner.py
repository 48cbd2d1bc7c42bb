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
from . import wire
from .expect import CheckFailed
from .forked_sandbox import SandboxMaker, receive, send
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

    @_pytest.hookimpl(tryfirst=True)
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
            self._sandbox = Sandbox(task.learner_file, task.display_path, start=task.start,
                                    module_name=task.level.folder.name, seed=task.seed)
            items = by_file.get(task.level.checks_path, [])
            self.expected = [(item.name, check_name(item.function)) for item in items]
            for number, item in enumerate(items):  # the last one's teardown ends the session's fixtures too
                following = items[number + 1] if number + 1 < len(items) else None
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

    @_pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: Any, call: Any) -> Any:
        """Records the check's outcome, and gives pytest its report of this phase without a formatted
        traceback: the learner reads our message instead, and formatting one took longer than most
        checks do."""
        import pytest

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
            self.outcomes[item.name] = CheckResult(item.name, check_name(item.function), False,
                                                   self._message(exc), getattr(exc, "line", None))
        elif when == "call" and outcome == "passed":
            self.outcomes[item.name] = CheckResult(item.name, check_name(item.function), True, "")
        elif outcome == "skipped":
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


# -- a runner's life, in a process the zygote forked (see zygote.py) ---------------------------


def preloaded_mnist() -> Mnist | None:
    """The reference MNIST, read while the runner is still a spare (None if that fails: the run
    will then read it itself and report any problem)."""
    try:
        return Mnist(current_source()).preload()
    except Exception:
        return None


RUNS_PER_RUNNER = 100  # then it exits, and the zygote forks a fresh one: its memory stays bounded


def serve_requests(ctl: socket.socket) -> None:
    """A runner's life: read MNIST and collect every level's checks while idle, then answer the
    requests the zygote sends on `ctl` (grade or preview), one after another, each with sandboxes
    from the zygote, until the zygote closes the channel or RUNS_PER_RUNNER were served. Each answer
    goes back as "done" (see forked_sandbox.py); the learner's code never runs in this process, so one
    request's file cannot reach the next one's."""
    mnist = preloaded_mnist()
    served = 0
    in_flight = False

    def done(reply: dict) -> None:
        nonlocal served, in_flight
        served += 1
        in_flight = False
        send(ctl, {"op": "done", "reply": reply, "last": served >= RUNS_PER_RUNNER})

    def await_assignment() -> Assignment | None:
        nonlocal in_flight
        while served < RUNS_PER_RUNNER:
            try:
                request = receive(ctl)[0]["request"]
            except (EOFError, OSError, KeyError, wire.WireError):
                return None  # the zygote closed this runner: nothing more to do
            in_flight = True
            try:
                level = default_catalog().get(request["level"])
                source = current_source()
                reference = mnist if mnist is not None and mnist.source == source else Mnist(source)
                if request.get("op") == "preview":
                    done({"ok": True, "preview": preview(level, request["file"], int(request.get("start", 0)),
                                                         source=source, spawn=SandboxMaker(ctl))})
                    continue
                if request.get("op") != "grade":
                    raise ValueError(f"unknown op {request.get('op')!r}")
            except Exception as exc:  # a request we cannot serve: say so, in one line
                done({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
                continue
            seed = request.get("seed")
            return Assignment(level, Path(request["file"]), request.get("display") or level.exercise_path,
                              SandboxMaker(ctl), reference,
                              seed if seed is not None else int.from_bytes(os.urandom(4), "big"))
        return None

    def on_result(result: LevelResult) -> None:
        done({"ok": True, "result": result.as_dict()})

    plugin = GraderPlugin(await_assignment=await_assignment, on_result=on_result)
    try:
        run_pytest(plugin, [level.checks_path for level in default_catalog()])
    except Exception:  # a bug of ours
        traceback.print_exc(file=sys.stderr)
    if in_flight:  # pytest stopped in the middle of a run: answer it rather than leave the client waiting
        done({"ok": False, "error": "the grader's runner stopped in the middle of a run"})
