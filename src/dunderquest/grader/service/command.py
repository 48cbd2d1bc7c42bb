"""`dunderquest check`: by the lingering grader (lingering_client.py) when there is one to reach or
start, else in the command's own process (one_off.py). Both give the same result."""

from __future__ import annotations

from pathlib import Path

from ...core.catalog import Level
from ...core.pack import Pack
from ..result import LevelResult
from .address import linger_seconds
from .client import GraderUnavailable
from .lingering_client import LingeringClient


def check(pack: Pack, level: Level, file: Path, *, seed: int | None = None) -> LevelResult:
    """`dunderquest check`: the checks of `pack`'s `level` against the file, by the lingering grader,
    or in this process (one_off.py) when lingering is off or the lingering grader cannot answer. Both
    give the same result."""
    if linger_seconds() > 0:
        client = LingeringClient(pack, fallback=False)
        try:
            return client.grade(level, file, seed=seed)
        except GraderUnavailable:
            pass
        finally:
            client.close()
    from .one_off import grade

    return grade(pack, level, file, seed=seed)
