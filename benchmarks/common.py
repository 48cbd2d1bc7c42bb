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


def byte_compiled() -> None:
    """Compiles dunderquest and the built-in course as `pip install .` does when it installs them, so
    that an editable checkout (or a shell with PYTHONDONTWRITEBYTECODE set) is measured as a learner's
    install runs, not compiling every module from source in every process."""
    import compileall

    import dunderquest
    from dunderquest.core.pack import BUILTIN

    for folder in {Path(dunderquest.__file__).parent, BUILTIN}:
        compileall.compile_dir(str(folder), quiet=1)


byte_compiled()


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


def cold_checks(workspace: Path, levels, runs: int = 1) -> dict[str, float]:
    """A cold `dunderquest check` of each level (the median of `runs`), by level id."""
    return {level.id: statistics.median(cold_check(workspace, level.id) for _ in range(runs)) for level in levels}


def wrong_file(level) -> str:
    """A plausible wrong solution of the level, from the course's own corpus: it runs the checks most
    of the way, as a learner's file in progress does."""
    return sorted((REPO / "course" / "wrong" / level.id).glob("*.py"))[0].read_text(encoding="utf-8")


def by_level(title: str, times: dict[str, list[float]], cold: dict[str, float], *, at_least: float,
             at_most: float | None = None) -> None:
    """A row per level (its median, the cold check, the ratio), then the slowest median and the
    smallest ratio against their goals."""
    print(f"{title}:")
    print(f"  {'level':<24} {'median':>9} {'slowest':>9} {'cold':>9} {'cold / median':>14}")
    medians = {level: statistics.median(runs) for level, runs in times.items()}
    for level, median in medians.items():
        print(f"  {level:<24} {median * 1000:>6.0f} ms {max(times[level]) * 1000:>6.0f} ms {cold[level]:>7.2f} s "
              f"{cold[level] / median:>12.1f} x")
    worst = max(medians, key=medians.get)
    least = min(medians, key=lambda level: cold[level] / medians[level])
    line(f"slowest median ({worst})", medians[worst], "ms",
         f"<= {at_most * 1000:.0f} ms on every level" if at_most is not None else None)
    ratio(f"smallest speed-up, cold / median ({least})", cold[least] / medians[least],
          f">= {at_least:.0f} x on every level")
