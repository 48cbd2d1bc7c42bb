"""A warm check of one level against a cold one, for every level.

Cold: `python -m dunderquest check LEVEL` in a fresh process (imports torch, then runs pytest).
Warm: the same checks through the game's warm grader, after its first run.
Goal: a warm median of at most 100 ms, and at least 30x faster than cold.

Runs are spaced by --gap seconds (default 0.3), as saves are: between runs the grader forks the
spare runner and sandbox that the next run uses. --gap 0 measures back-to-back runs too.

    python benchmarks/warm_check.py [--runs 15] [--gap 0.3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import cleanup, cold_check, line, ratio, scratch_workspace


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--gap", type=float, default=0.3)
    args = parser.parse_args()

    from dunderquest.core.workspace import Workspace
    from dunderquest.grader.service.client import GraderClient

    root = scratch_workspace()
    workspace = Workspace.find(root)
    client = GraderClient()
    began = time.perf_counter()
    client.grade(workspace.catalog.get("1"), workspace.exercise(workspace.catalog.get("1")))
    print(f"first run through the warm grader (it starts cold): {time.perf_counter() - began:.2f} s")
    worst = 0.0
    for level in workspace.catalog:
        cold = statistics.median(cold_check(root, level.id) for _ in range(2))
        times = []
        for _ in range(args.runs):
            time.sleep(args.gap)
            t = time.perf_counter()
            result = client.grade(level, workspace.exercise(level))
            times.append(time.perf_counter() - t)
            assert result.passed, result
        warm = statistics.median(times)
        worst = max(worst, warm)
        print(f"{level.id} ({level.class_name}), {len(result.checks)} checks:")
        line("cold `dunderquest check` (baseline, median of 2)", cold)
        line(f"warm check (median of {args.runs})", warm, "ms")
        ratio("speed-up, cold / warm", cold / warm, ">= 30 x")
    print(f"slowest warm median: {worst * 1000:.0f} ms (goal: <= 100 ms)")
    client.close()
    cleanup()


if __name__ == "__main__":
    main()
