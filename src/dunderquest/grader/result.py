"""What grading a level produces. Plain data, importable without torch or pytest (the game uses it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STOPPED_BY_CODE = ("Your code stopped the grader itself while it ran (it ended one of the grader's "
                   "processes), so this check could not be trusted to finish. Look for os.kill(), signal "
                   "calls, or anything else that ends other processes.")


@dataclass
class CheckResult:
    id: str  # the check's function name
    name: str  # the sentence the learner reads
    passed: bool
    message: str
    line: int | None = None  # the line of the learner's file the failure points to, when known
    method: str | None = None  # the learner's method that line is in, when known


@dataclass
class LevelResult:
    level: str
    title: str
    passed: bool
    data: str
    checks: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what the learner should know even when all passed
    printed: str = ""  # the last lines the learner's code printed during the run (print(), warnings)
    mistake: str = ""  # the pack's known mistake whose failed checks are exactly these, in words (a hint)

    def to_json(self) -> dict:
        """As JSON: what `dunderquest check --format json` prints, and what a runner sends back."""
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict) -> LevelResult:
        raw = dict(raw)
        checks = [CheckResult(**c) for c in raw.pop("checks")]
        return cls(**raw, checks=checks)

    @classmethod
    def not_run(cls, level: Any, message: str) -> LevelResult:
        """A result in which every check failed with `message`: for when no check could run at all."""
        checks = [CheckResult(check_id, name, False, message) for check_id, name in level.checks()]
        return cls(level.id, level.title, False, "", checks)

    @property
    def first_failure(self) -> CheckResult | None:
        return next((c for c in self.checks if not c.passed), None)

    def printed_lines(self) -> list[str]:
        """What the learner's code printed, as lines to show under the checks (none if nothing)."""
        if not self.printed.strip():
            return []
        return ["What your code printed during the run (its last lines):",
                *("    " + line for line in self.printed.strip("\n").splitlines())]


PRINTED_LINES, PRINTED_WIDTH = 20, 200  # how much of what the learner's code printed a result keeps


def last_printed(text: str) -> str:
    """The last PRINTED_LINES lines of `text`, each cut at PRINTED_WIDTH characters, with control
    characters (which could move a terminal's cursor or clear it) shown as "?"."""
    lines = text.rstrip("\n").splitlines()[-PRINTED_LINES:]
    lines = ["".join(c if c.isprintable() or c == "\t" else "?" for c in line) for line in lines]
    return "\n".join(line if len(line) <= PRINTED_WIDTH else line[:PRINTED_WIDTH] + "…" for line in lines)
