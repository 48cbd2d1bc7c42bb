"""Grading a class in bulk through the real command, `dunderquest grade --submissions`: 40 students x
the first 4 levels, one warm grader (one zygote, runners that serve one request after another). Also
the peak memory of the command's processes, measured in a second run so that sampling it costs the
timed run nothing.

Baseline: cold `dunderquest check` runs, two at a time on this machine's cores, in the same run.
Running all 160 takes many minutes, so the baseline times a sample of --cold-sample runs and scales
it to 160 (every cold run does the same work, so the time per run is what matters). This machine's
speed drifts by a third over minutes, and now and then a round runs half idle while the kernel is
busy elsewhere, so each of the --runs rounds times a cold sample and then the command, side by side,
and gives a ratio of its own; the speed-up is the median of the rounds' ratios (the ratios of the
medians and of the means are printed too).
Goals: at least 25x faster than the cold baseline; peak memory (PSS, summed over the command's
processes) under 2 GB.

    python benchmarks/bulk_grade.py [--students 40] [--cold-sample 8] [--runs 3] [--jobs N]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from common import SCRATCH, cleanup, cold_check, line, ratio, scratch_workspace

LEVELS = 4  # the first four levels, so that figures stay comparable as levels are added


def pss_of_tree(root_pid: int) -> int:
    """Proportional set size, in bytes, of a process and all its descendants (shared pages split)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(name))
            except (OSError, ValueError, IndexError):
                pass
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for row in f:
                    if row.startswith("Pss:"):
                        total += int(row.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


def peak_memory(command: list[str]) -> int:
    """The command's peak memory, from a second run of it: reading the smaps of every process takes
    about 0.2 s of processor time each time, which the timed run must not pay."""
    peak, done = 0, threading.Event()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sample_memory() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, pss_of_tree(process.pid))
            time.sleep(0.1)

    watcher = threading.Thread(target=sample_memory, daemon=True)
    watcher.start()
    process.wait()
    done.set()
    watcher.join()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--cold-sample", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5, help="rounds: a cold sample, then a timed run of the command")
    parser.add_argument("--jobs", type=int, default=None, help="passed on to grade --jobs")
    args = parser.parse_args()
    workers = os.cpu_count() or 2
    from dunderquest.core.pack import builtin_pack

    levels = list(builtin_pack().catalog)[:LEVELS]
    # One folder per student; half hold the reference solutions, half the stubs (which fail).
    roots = [scratch_workspace(f"class/student{n:02}", solved=n % 2 == 0) for n in range(args.students)]
    checks = args.students * len(levels)

    command = [sys.executable, "-m", "dunderquest", "grade", "--submissions", str(SCRATCH / "class"),
               "--output", str(SCRATCH / "gradebook"), "--seed", "1",
               "--levels", ",".join(str(level.number) for level in levels)]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    cold_times, times, code = [], [], 0
    for _ in range(args.runs):
        with ThreadPoolExecutor(workers) as pool:
            sample = [pool.submit(cold_check, roots[n % len(roots)], levels[n % len(levels)].id)
                      for n in range(args.cold_sample)]
            began = time.perf_counter()
            [job.result() for job in sample]
            cold_times.append((time.perf_counter() - began) / args.cold_sample * checks)
        began = time.perf_counter()
        code = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode or code
        times.append(time.perf_counter() - began)
    cold_total, bulk = statistics.median(cold_times), statistics.median(times)
    peak = peak_memory(command)
    with open(SCRATCH / "gradebook" / "gradebook.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    full = sum(float(row["total"]) == sum(level.points for level in levels) for row in rows)
    print(f"bulk grading: `dunderquest grade --submissions` (exit {code}), {args.students} students x "
          f"{len(levels)} levels = {checks} level runs, {workers} cores ({full} students with full marks, "
          f"as expected: {full == (args.students + 1) // 2})")
    print("  rounds (cold baseline scaled to all runs / the command = ratio): "
          + ", ".join(f"{cold:.0f} s / {run:.1f} s = {cold / run:.1f} x"
                      for cold, run in zip(cold_times, times, strict=True)))
    line(f"cold baseline: {args.cold_sample} cold checks a round, scaled to {checks}, median", cold_total)
    line(f"grade --submissions, median of {args.runs} (with its start-up)", bulk)
    line("  per level run", bulk / checks, "ms")
    ratio("speed-up, cold / bulk: median of the rounds' ratios",
          statistics.median(cold / run for cold, run in zip(cold_times, times, strict=True)), ">= 25 x")
    ratio("  the median cold baseline / the median run", cold_total / bulk)
    ratio("  the mean cold baseline / the mean run", statistics.mean(cold_times) / statistics.mean(times))
    line("peak memory of the command's processes (PSS)", peak / 2**20, "MB", "under 2048 MB")
    cleanup()


if __name__ == "__main__":
    main()
