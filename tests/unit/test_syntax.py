"""Parsing from several threads at once: grading a class reads level checks and learners' files in a
pool of threads, and CPython 3.11's `ast.parse` can fail there when a finalizer runs mid-parse
(python/cpython#106905). Every parse in dunderquest goes through `core.syntax.parse`, which takes
one tree at a time."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from dunderquest.core.syntax import parse

from test_layers import SRC

CHECKS = Path(__file__).resolve().parents[2] / "course" / "levels" / "level6_parameters" / "checks.py"


class Collected:
    """Garbage whose finalizer lets another thread run, as a torch object's may."""

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        time.sleep(0)


def test_parsing_in_threads_while_finalizers_run_never_fails():
    source = CHECKS.read_bytes()
    failures: list[BaseException] = []

    def parse_many() -> None:
        for _ in range(150):
            for _ in range(50):
                Collected()
            try:
                parse(source)
            except BaseException as error:  # noqa: BLE001 - any failure is the finding
                failures.append(error)

    threads = [threading.Thread(target=parse_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_no_module_calls_ast_parse_but_the_one_that_locks_it():
    calls = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
             if "ast.parse(" in path.read_text(encoding="utf-8") and path.name != "syntax.py"]
    assert calls == []
