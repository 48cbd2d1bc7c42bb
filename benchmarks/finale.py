"""`dunderquest finale` with the reference solutions, against the import floor.

Baseline: `python -c "import torch, torchvision"`, the least any fresh grader process pays.
Finale: `python -m dunderquest finale --format jsonl` in a fresh process, which imports torch, forks
one sandbox, and trains in it. Goal: under a minute on 2 cores, and at least 85% test accuracy.

    python benchmarks/finale.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from common import cleanup, import_floor, line, ratio, scratch_workspace


def finale(root) -> tuple[float, float]:
    """Wall time and test accuracy of one run."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dunderquest", "finale", "--format", "jsonl", "--workspace",
                           str(root)], capture_output=True, text=True)
    seconds = time.perf_counter() - began
    events = [json.loads(row) for row in done.stdout.splitlines()]
    accuracy = next((e for e in events if e["event"] == "accuracy"), None)
    if done.returncode != 0 or accuracy is None:
        raise SystemExit(f"the finale did not run to the end: {events[-1:] or done.stderr[-500:]}")
    return seconds, accuracy["correct"] / accuracy["total"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = scratch_workspace()
    from dunderquest.core.finale import needed_levels
    from dunderquest.core.workspace import Workspace

    workspace = Workspace.find(root)
    for level in needed_levels(workspace.catalog):
        workspace.progress.record(level, passed=True)
    floor = import_floor(args.runs)
    runs = [finale(root) for _ in range(args.runs)]
    seconds = statistics.median(s for s, _ in runs)
    print(f"dunderquest finale with the reference solutions, median of {args.runs}:")
    line('python -c "import torch, torchvision" (baseline)', floor)
    line("python -m dunderquest finale", seconds)
    ratio("finale / import floor", seconds / floor, "finale under 60 s")
    print(f"  {'test accuracy':<52} {min(a for _, a in runs):>9.1%}     (goal: >= 85%)")
    cleanup()


if __name__ == "__main__":
    main()
