"""Level 10's probe, run in the sandbox: a transform that logs when it runs, for checking the order
in which the learner's Compose calls its transforms."""

from __future__ import annotations

from typing import Any


class Step:
    """A transform for checking Compose: `x * times + add`, writing its name in `log` when it runs."""

    def __init__(self, log: list, name: str, times: int, add: int):
        self.log, self.name, self.times, self.add = log, name, times, add

    def __call__(self, x: Any) -> Any:
        self.log.append(self.name)
        return x * self.times + self.add

    def __repr__(self) -> str:
        return self.name
