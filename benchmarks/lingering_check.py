"""`dunderquest check level3` typed again and again in a shell: the lingering grader against cold checks.

Baseline: a cold check (DUNDERQUEST_LINGER=0: the command imports torch and grades in its own
process), in the same run. Lingering: the first check starts the background grader (and pays for
importing torch); every later check reaches it through its socket. Each round times a cold check and
then a lingering one, side by side; the figures are medians. Every lingering result must equal the
cold one (the checks' verdicts and messages, with the same --seed).
Goal: a later check at least 10x faster than a cold one.

    python benchmarks/lingering_check.py [--runs 10] [--level level3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from common import SCRATCH, cleanup, line, ratio, scratch_workspace


def check(workspace, level: str, env: dict[str, str]) -> tuple[float, dict]:
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dunderquest", "check", level, "--format", "json", "--seed", "3",
                           "--workspace", str(workspace)], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - began
    result = json.loads(done.stdout)
    result.pop("seconds")
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--level", default="level3")
    args = parser.parse_args()
    root = scratch_workspace()
    runtime = SCRATCH / "run"
    runtime.mkdir(mode=0o700)
    cold_env = dict(os.environ, DUNDERQUEST_LINGER="0")
    lingering_env = dict(os.environ, DUNDERQUEST_LINGER="600", XDG_RUNTIME_DIR=str(runtime))
    check(root, args.level, cold_env)  # unpacks the MNIST sample and warms the disk cache
    try:
        first, expected = check(root, args.level, lingering_env)
        cold, later, same = [], [], True
        for _ in range(args.runs):
            seconds, result = check(root, args.level, cold_env)
            cold.append(seconds)
            same &= result == expected
            seconds, result = check(root, args.level, lingering_env)
            later.append(seconds)
            same &= result == expected
    finally:
        subprocess.run([sys.executable, "-m", "dunderquest", "stop"], env=lingering_env, capture_output=True)
    print(f"dunderquest check {args.level} from a shell, medians of {args.runs} (same results: {same}):")
    line("cold check, DUNDERQUEST_LINGER=0 (baseline)", statistics.median(cold))
    line("first check, which starts the lingering grader", first)
    line("a later check, answered by the lingering grader", statistics.median(later), "ms")
    ratio("speed-up, cold / later check", statistics.median(cold) / statistics.median(later), ">= 10 x")
    cleanup()
    if not same:
        sys.exit("a lingering check gave another result than the cold one")


if __name__ == "__main__":
    main()
