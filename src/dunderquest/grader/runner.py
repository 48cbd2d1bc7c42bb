"""Grading one level: pytest runs the level's checks in this (trusted) process, and the checks drive
the learner's code in a sandbox process. The result is complete by construction: every check that
was collected gets exactly one outcome, and a check that produced none counts as failed."""

from __future__ import annotations

import os
import random
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from ..core.catalog import Level, check_title
from ..core.data import current_source
from .expect import CheckFailed
from .reference import Mnist
from .result import STOPPED_BY_CODE, CheckResult, LevelResult
from .sandbox import LoadFailed, Sandbox, SandboxProblem


def check_name(function: Any) -> str:
    return check_title(function.__name__, function.__doc__)


def message_for(exc: BaseException) -> str:
    if isinstance(exc, CheckFailed | SandboxProblem):
        return str(exc)
    if os.environ.get("DUNDERQUEST_DEBUG"):
        traceback.print_exception(exc, file=sys.stderr)
    return (f"The grader itself failed in this check ({type(exc).__name__}: {exc}). This is a problem in "
            "dunderquest, not in your code.")


class GraderPlugin:
    """A pytest plugin: it gives the checks their fixtures and records one outcome per check."""

    def __init__(self, sandbox: Sandbox, mnist: Mnist, seed: int):
        self._sandbox = sandbox
        self._mnist = mnist
        self.seed = seed
        self.expected: list[tuple[str, str]] = []
        self.outcomes: dict[str, CheckResult] = {}
        self.collect_errors: list[str] = []
        self.load_messages: set[str] = set()

    # fixtures ----------------------------------------------------------------------------------

    import pytest as _pytest

    @_pytest.fixture(scope="session")
    def sandbox(self) -> Sandbox:
        return self._sandbox

    @_pytest.fixture(scope="session")
    def mnist(self) -> Mnist:
        return self._mnist

    @_pytest.fixture(scope="session")
    def rng(self) -> random.Random:
        """Seeds and sample indices, chosen afresh on every run, so answers cannot be known ahead."""
        return random.Random(self.seed)

    # hooks -------------------------------------------------------------------------------------

    def pytest_collection_modifyitems(self, items: list) -> None:
        self.expected = [(item.name, check_name(item.function)) for item in items]

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.collect_errors.append(str(report.longrepr)[-2000:])

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
            detail = self.collect_errors[0].strip().splitlines()[-1] if self.collect_errors else "none found"
            out.append(CheckResult("load_checks", "The level's checks load", False,
                                   f"The grader could not load this level's checks ({detail}). This is a "
                                   "problem in dunderquest, not in your code."))
        return out


PYTEST_ARGS = [
    "--noconftest", "--import-mode=importlib", "-c", os.devnull, "--capture=sys",
    "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:warnings", "-p", "no:faulthandler",
    "-p", "no:unraisableexception", "-p", "no:threadexception", "-p", "no:logging",
    "-p", "no:pastebin", "-p", "no:junitxml", "-p", "no:doctest", "-p", "no:stepwise",
    "-p", "no:python_path", "-p", "no:legacypath", "-p", "no:tmpdir", "-p", "no:monkeypatch",
    "-p", "no:recwarn", "-p", "no:setuponly", "-p", "no:setupplan", "-p", "no:debugging",
    "-p", "no:assertion",  # checks speak through CheckFailed, never through bare asserts
]


def grade(level: Level, learner_file: Path, *, display_path: str | None = None,
          mnist: Mnist | None = None, start: Any = None, seed: int | None = None) -> LevelResult:
    """Runs `level`'s checks against `learner_file`. Never raises for anything the learner wrote.

    `start` makes a sandbox process; by default this process imports torch and forks a zygote
    for them (the cold path). A warm zygote's runner passes its own, and MNIST loaded ahead."""
    began = time.monotonic()
    if start is None:
        from .zygote import forked_sandboxes

        start = forked_sandboxes()
    sandbox = Sandbox(learner_file, display_path or level.exercise_path, start=start,
                      module_name=f"learner_{level.slug}")
    mnist = mnist or Mnist(current_source())
    seed = seed if seed is not None else int.from_bytes(os.urandom(4), "big")
    import pytest

    plugin = GraderPlugin(sandbox, mnist, seed)
    try:
        pytest.main([*PYTEST_ARGS, "--rootdir", str(level.folder), str(level.checks_path)], plugins=[plugin])
    finally:
        sandbox.close()
    checks = plugin.results()
    if getattr(start, "zygote_died", lambda: False)():
        # The learner's code killed the process that makes sandboxes: whatever the checks saw,
        # the run cannot be trusted. (On the warm grader the same thing loses the whole run.)
        checks = [CheckResult(c.id, c.name, False, STOPPED_BY_CODE) for c in checks]
    return LevelResult(level.id, level.title, all(c.passed for c in checks), mnist.source.description, checks,
                       round(time.monotonic() - began, 3))
