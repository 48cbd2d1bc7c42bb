"""What grading a level produces. Plain data, importable without torch or pytest (the game uses it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class CheckResult:
    id: str  # the check's function name
    name: str  # the sentence the learner reads
    passed: bool
    message: str
    line: int | None = None  # the line of the learner's file the failure points to, when known


@dataclass
class LevelResult:
    level: str
    title: str
    passed: bool
    data: str
    checks: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"level": self.level, "title": self.title, "passed": self.passed, "data": self.data,
                "checks": [{"name": c.name, "passed": c.passed, "message": c.message} for c in self.checks]}

    @classmethod
    def from_dict(cls, raw: dict) -> LevelResult:
        checks = [CheckResult(**c) for c in raw.pop("checks")]
        return cls(**raw, checks=checks)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def first_failure(self) -> CheckResult | None:
        return next((c for c in self.checks if not c.passed), None)
