"""Grading a class in bulk: 40 students x the 4 core levels through the warm grader, a worker per
core, against cold checks spread over the cores. Also the peak memory of the grader's processes.

Baseline: cold `dunderquest check` runs, two at a time on this machine's cores. Running all 160
takes many minutes, so the baseline times a sample of --cold-sample runs and scales it to 160
(every cold run does the same work, so the time per run is what matters).
Goals: at least 8x faster than the cold baseline; peak memory (PSS, summed over the grader's
processes) under 2 GB.

    python benchmarks/bulk_grade.py [--students 40] [--cold-sample 8]
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from common import cleanup, cold_check, line, ratio, scratch_workspace


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--cold-sample", type=int, default=8)
    args = parser.parse_args()
    workers = os.cpu_count() or 2
    from dunderquest.core.workspace import Workspace
    from dunderquest.grader.client import GraderClient

    # Each student has a workspace; half the files are solutions, half the stubs (which fail).
    roots = [scratch_workspace(f"student{n}", solved=n % 2 == 0) for n in range(args.students)]
    jobs = [(Workspace.find(root), level) for root in roots for level in Workspace.find(root).catalog]

    with ThreadPoolExecutor(workers) as pool:
        sample = [pool.submit(cold_check, roots[n % len(roots)], f"level{n % 4 + 1}")
                  for n in range(args.cold_sample)]
        began = time.perf_counter()
        [job.result() for job in sample]
        cold_each = (time.perf_counter() - began) / args.cold_sample
    cold_total = cold_each * len(jobs)

    client = GraderClient()
    peak, done = 0, threading.Event()

    def sample_memory() -> None:
        nonlocal peak
        while not done.is_set():
            if client.pid:
                peak = max(peak, pss_of_tree(client.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=sample_memory, daemon=True)
    watcher.start()
    began = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda job: client.grade(job[1], job[0].exercise(job[1])), jobs))
    bulk = time.perf_counter() - began
    done.set()
    watcher.join()
    client.close()
    passed = sum(r.passed for r in results)
    print(f"bulk grading: {args.students} students x 4 levels = {len(jobs)} checks, {workers} workers "
          f"({passed} passed, {len(jobs) - passed} failed, as expected: {passed == len(jobs) // 2})")
    line(f"cold baseline: {args.cold_sample} cold checks, scaled to {len(jobs)}", cold_total)
    line("warm grader, bulk (includes its own start-up)", bulk)
    ratio("speed-up, cold / bulk", cold_total / bulk, ">= 8 x")
    line("peak memory of the grader's processes (PSS)", peak / 2**20, "MB")
    print("  (goal: under 2048 MB)")
    cleanup()


if __name__ == "__main__":
    main()
