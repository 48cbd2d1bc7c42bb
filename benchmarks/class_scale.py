"""A class of any size on one machine: `dunderquest grade --submissions` over 40 and over 400 students,
every level each (10 for the built-in course), in the same run, through the real command (its class
report page included).

For each size: the time per level run (the command's wall time, start-up included, over its level
runs), the peak memory of the command's processes (PSS, from a second run, as bulk_grade.py measures
it), and the ratio to cold checks: cold `dunderquest check` runs, two at a time, timed on a sample
and scaled to the class's level runs, in each round beside the runs they are compared with.
Half the students hand in the reference solutions and half the stubs, as in bulk_grade.py.
Goals: the 400-student class's time per level run and peak memory within 1.2x of the 40-student
class's, and its ratio to cold checks still at least 25x.

    python benchmarks/class_scale.py [--small 40] [--large 400] [--cold-sample 8] [--runs 2] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bulk_grade import peak_memory
from common import SCRATCH, cleanup, cold_check, line, ratio, scratch_workspace


def grade_command(folder: str, jobs: int | None) -> list[str]:
    command = [sys.executable, "-m", "dunderquest", "grade", "--submissions", str(SCRATCH / folder),
               "--output", str(SCRATCH / f"{folder}-out"), "--seed", "1"]
    return command + (["--jobs", str(jobs)] if jobs else [])


def timed(command: list[str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=40)
    parser.add_argument("--large", type=int, default=400)
    parser.add_argument("--cold-sample", type=int, default=8)
    parser.add_argument("--runs", type=int, default=2, help="rounds: a cold sample, then each class once")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    from dunderquest.core.pack import builtin_pack

    levels = list(builtin_pack().catalog)
    workers = os.cpu_count() or 2
    # Each student a real workspace of their own, as a teacher's download has.
    sizes = {"small": args.small, "large": args.large}
    for name, count in sizes.items():
        for n in range(count):
            scratch_workspace(f"{name}/student{n:03}", solved=n % 2 == 0)
    cold_roots = [SCRATCH / "small" / f"student{n:03}" for n in range(2)]
    runs = {name: count * len(levels) for name, count in sizes.items()}
    per_run: dict[str, list[float]] = {name: [] for name in sizes}
    cold_per_run: list[float] = []
    for _ in range(args.runs):
        with ThreadPoolExecutor(workers) as pool:
            sample = [pool.submit(cold_check, cold_roots[n % 2], levels[n % len(levels)].id)
                      for n in range(args.cold_sample)]
            began = time.perf_counter()
            [job.result() for job in sample]
            cold_per_run.append((time.perf_counter() - began) / args.cold_sample)
        for name in sizes:
            per_run[name].append(timed(grade_command(name, args.jobs)) / runs[name])
    peaks = {name: peak_memory(grade_command(name, args.jobs)) for name in sizes}
    cold = statistics.median(cold_per_run)
    print(f"a class of any size: `dunderquest grade --submissions` over {args.small} and {args.large} students x "
          f"{len(levels)} levels, {workers} cores, {args.runs} rounds")
    line("cold check, per level run (median of the rounds' samples)", cold, "ms")
    for name, count in sizes.items():
        median = statistics.median(per_run[name])
        print(f"  {count} students ({runs[name]} level runs): rounds "
              + ", ".join(f"{value * 1000:.1f} ms" for value in per_run[name]))
        line(f"  {count} students: time per level run (median)", median, "ms")
        line(f"  {count} students: peak memory (PSS)", peaks[name] / 2**20, "MB")
        ratio(f"  {count} students: cold / bulk, per level run", cold / median, ">= 25 x")
    small, large = statistics.median(per_run["small"]), statistics.median(per_run["large"])
    ratio(f"time per level run, {args.large} / {args.small} students", large / small, "<= 1.2 x")
    ratio(f"peak memory, {args.large} / {args.small} students", peaks["large"] / peaks["small"], "<= 1.2 x")
    cleanup()


if __name__ == "__main__":
    main()
