"""Proving the built-in course pack: `dunderquest pack check` grades every stub, solution, wrong and
right file of the ten levels with one warm grader (one PyTorch import for the whole pack).

Baseline: the same files graded by cold `dunderquest check` runs, two at a time on this machine's
cores, in the same run. Running all of them takes many minutes, so each of the --runs rounds times
a sample of --cold-sample cold checks (files picked across the pack) and scales it to every file,
then times the command, side by side; the speed-up is the median of the rounds' ratios, so that a
round the machine slowed down for other reasons does not decide it (as in bulk_grade.py).
Goal: at least 20x faster than the cold baseline.

    python benchmarks/pack_check.py [--cold-sample 8] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from common import cleanup, cold_check, line, ratio, scratch_workspace


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold-sample", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from dunderquest.core.pack import builtin_pack

    pack = builtin_pack()
    files = []
    for level in pack.catalog:
        files += [(level, level.stub_path), (level, level.solution_path)]
        files += [(level, path) for kind in (pack.wrong_dir, pack.right_dir)
                  for path in sorted((kind / level.folder.name).glob("*.py"))]
    step = max(1, len(files) // args.cold_sample)
    sample = files[::step][:args.cold_sample]
    roots = []
    for number, (level, path) in enumerate(sample):
        root = scratch_workspace(f"cold/{number}", solved=False)
        shutil.copyfile(path, root / level.exercise_path)
        roots.append((root, level.id))
    workers = os.cpu_count() or 2
    command = [sys.executable, "-m", "dunderquest", "pack", "check", "--format", "json"]
    cold_times, times, code = [], [], 0
    for _ in range(args.runs):
        with ThreadPoolExecutor(workers) as pool:
            began = time.perf_counter()
            list(pool.map(lambda job: cold_check(*job), roots))
            cold_times.append((time.perf_counter() - began) / len(roots) * len(files))
        began = time.perf_counter()
        code = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode or code
        times.append(time.perf_counter() - began)
    cold_total, warm = statistics.mean(cold_times), statistics.mean(times)
    print(f"pack check of the built-in course: {len(files)} files over {len(pack.catalog)} levels, {workers} cores "
          f"(exit {code}: {'it holds' if code == 0 else 'it does not hold'})")
    ratios = [cold / run for cold, run in zip(cold_times, times, strict=True)]
    print("  rounds (cold baseline scaled to all files / the command = ratio): "
          + ", ".join(f"{cold:.0f} s / {run:.1f} s = {cold / run:.1f}x"
                      for cold, run in zip(cold_times, times, strict=True)))
    line(f"cold baseline: {len(roots)} cold checks a round, scaled to {len(files)}, mean", cold_total)
    line(f"dunderquest pack check, mean of {args.runs} (with its start-up)", warm)
    line("  per file", warm / len(files), "ms")
    ratio("speed-up, cold / pack check (median of the rounds)", statistics.median(ratios), ">= 20 x")
    cleanup()


if __name__ == "__main__":
    main()
