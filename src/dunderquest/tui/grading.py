"""The game's side of a run of the checks: what it needs of the grader, and the message a run's
worker posts when it ends."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from textual.message import Message

from ..core.catalog import Level
from ..core.panel_data import Panel
from ..grader.result import LevelResult


class Grader(Protocol):
    """What the game needs from `GraderClient`; tests pass a fake."""

    def warm_up(self) -> None: ...
    def grade(self, level: Level, file: Path) -> LevelResult: ...
    def mnist_panel(self, level: Level, file: Path, start: int = 0) -> Panel: ...
    def cancel(self) -> None: ...


class Graded(Message):
    """A run of a level's checks ended: with a result, cancelled, or with a problem."""

    def __init__(self, level: Level, result: LevelResult | None = None, *, cancelled: bool = False,
                 problem: str | None = None):
        super().__init__()
        self.level = level
        self.result = result
        self.cancelled = cancelled
        self.problem = problem
