"""Reading the grader corpora: submissions whose first comment lines say what grading must give.

Header lines (comments at the top of a file):
    # level: level1_double          which level grades it (wrong/ files take it from their folder)
    # must fail: test_...           this check must fail (one line per check)
    # must pass: test_...           this check must pass
    # passes: true                  the level as a whole must pass (default: it must fail)
    # says: some text               some failing check's message contains this text
    # slow: why                     the test waits for a deadline
    # known bug: why                the outcome is wrong today (the test is a strict xfail)
    # unclear message: why          the outcome is right but a `says` line is not met today
    # note: some text               some note of the result (for a passing file: output was cut) has this
    # needs: pid namespace          run only where that protection is in force (see grader/confinement/protections.py)
    # listens: 47291                the test listens on this loopback port while the file is graded
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dunderquest.core.pack import builtin_pack

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WRONG = REPO / "course" / "wrong"
RIGHT = REPO / "course" / "right"
HOSTILE = HERE / "hostile"
LEVELS = [level.folder.name for level in builtin_pack().catalog]
LEAKS = ("Traceback (most recent call last)", "The grader itself failed")


@dataclass
class Submission:
    path: Path
    level: str
    must_fail: list[str] = field(default_factory=list)
    must_pass: list[str] = field(default_factory=list)
    passes: bool = False
    says: list[str] = field(default_factory=list)
    slow: str | None = None
    known_bug: str | None = None
    unclear_message: str | None = None
    notes: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    listens: int | None = None

    @classmethod
    def read(cls, path: Path, level: str | None = None) -> Submission:
        headers: dict[str, list[str]] = {}
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            match = re.match(r"^# ([a-z ]+): (.+)$", line)
            if match:
                headers.setdefault(match[1], []).append(match[2].strip())
        first = {key: values[0] for key, values in headers.items()}
        return cls(path, level or first["level"], headers.get("must fail", []),
                   headers.get("must pass", []), first.get("passes", "false") == "true",
                   headers.get("says", []), first.get("slow"), first.get("known bug"),
                   first.get("unclear message"), headers.get("note", []), headers.get("needs", []),
                   int(first["listens"]) if "listens" in first else None)

    def param(self, *, bug: str | None = None) -> pytest.param:
        marks = []
        if self.slow:
            marks.append(pytest.mark.slow)
        if bug:
            marks.append(pytest.mark.xfail(strict=True, reason=bug))
        if self.listens:  # one loopback port: the tests that listen on it never run side by side
            marks.append(pytest.mark.xdist_group(f"port-{self.listens}"))
        return pytest.param(self, id=f"{self.level}/{self.path.name}", marks=marks)


def wrong_solutions() -> list[Submission]:
    return [Submission.read(path, folder.name) for folder in sorted(WRONG.iterdir()) if folder.is_dir()
            for path in sorted(folder.glob("*.py"))]


def hostile_submissions() -> list[Submission]:
    return [Submission.read(path) for path in sorted(HOSTILE.glob("*.py"))]


def check_ids(level) -> list[str]:
    """The check ids of a level, in order, as the catalog reads them."""
    return [check_id for check_id, _ in level.checks()]


def leaks(result) -> list[str]:
    """Messages that show a traceback or blame the grader, as 'check id: message'."""
    return [f"{check.id}: {check.message}" for check in result.checks
            if any(text in check.message for text in LEAKS)]


def explain(result) -> str:
    return "\n".join(f"  {'PASS' if c.passed else 'FAIL'} {c.id}: {c.message[:300]}" for c in result.checks)

