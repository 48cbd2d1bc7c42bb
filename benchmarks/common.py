"""Shared pieces of the benchmarks: a scratch workspace, cold runs, medians, and ratio lines."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCRATCH = Path(tempfile.mkdtemp(prefix="dunderquest-bench-"))
# Benchmarks never touch the user's own folders.
os.environ.setdefault("XDG_DATA_HOME", str(SCRATCH / "xdg"))
os.environ.setdefault("DUNDERQUEST_DATA", str(SCRATCH / "mnist"))
# A cold check is a one-off: no grader lingers after it (benchmarks/lingering_check.py turns it on).
os.environ["DUNDERQUEST_LINGER"] = "0"


def scratch_workspace(name: str = "ws", solved: bool = True) -> Path:
    """A workspace whose exercise files are the reference solutions (or the stubs)."""
    from dunderquest.core.workspace import Workspace

    root = SCRATCH / name
    workspace = Workspace.create(root)
    if solved:
        for level in workspace.catalog:
            workspace.exercise(level).write_text(level.solution())
    return root


def wall(command: list[str], **kw) -> float:
    began = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - began


def import_floor(runs: int = 3) -> float:
    """The wall time of `python -c "import torch, torchvision"`: what any cold grader pays."""
    return statistics.median(wall([sys.executable, "-c", "import torch, torchvision"]) for _ in range(runs))


def cold_check(workspace: Path, level: str) -> float:
    return wall([sys.executable, "-m", "dunderquest", "check", level, "--format", "json",
                 "--workspace", str(workspace)])


def line(label: str, value: float, unit: str = "s", goal: str | None = None) -> None:
    shown = value * (1000 if unit == "ms" else 1)
    print(f"  {label:<52} {shown:>9.1f} {unit}" + (f"   (goal: {goal})" if goal else ""))


def ratio(label: str, value: float, goal: str | None = None) -> None:
    print(f"  {label:<52} {value:>9.2f} x" + (f"   (goal: {goal})" if goal else ""))


def cleanup() -> None:
    shutil.rmtree(SCRATCH, ignore_errors=True)
