"""A cold `dunderquest check level3` against the import floor.

Baseline: `python -c "import torch, torchvision"`, the least any fresh grader process pays.
Cold check: `python -m dunderquest check level3` in a fresh process. It imports torch once and
forks its sandbox from itself before any reference exists, so it never pays the imports twice.
Goal: at most 1.3x the baseline.

    python benchmarks/cold_check.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics

from common import cleanup, cold_check, import_floor, line, ratio, scratch_workspace


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--level", default="level3")
    args = parser.parse_args()
    root = scratch_workspace()
    cold_check(root, args.level)  # unpacks the MNIST sample and warms the disk cache
    floor = import_floor(args.runs)
    cold = statistics.median(cold_check(root, args.level) for _ in range(args.runs))
    print(f"cold check of {args.level}, median of {args.runs}:")
    line('python -c "import torch, torchvision" (baseline)', floor)
    line(f"python -m dunderquest check {args.level}", cold)
    ratio("cold check / import floor", cold / floor, "<= 1.3 x")
    cleanup()


if __name__ == "__main__":
    main()
