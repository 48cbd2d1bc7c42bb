"""Save to result in `dunderquest watch`, for every level: the time from writing the exercise file to
the line that reports its result, file event included.

Baseline: a cold `dunderquest check` of the same level, what a learner without watch would run, in
the same run. Each level's file alternates between two versions of a plausible wrong solution from
the course's own corpus (a wrong file runs the checks most of the way and keeps watch on its level).
Goal: a median of at most 150 ms on every level, and at least 30x faster than a cold check.

    python benchmarks/watch_latency.py [--saves 7]
"""

from __future__ import annotations

import argparse
import os
import select
import subprocess
import sys
import time

from common import by_level, cleanup, cold_checks, scratch_workspace, wrong_file

RESULT = b"checks passed."


def read_until(process: subprocess.Popen, marker: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([process.stdout], [], [], left)[0]:
            raise TimeoutError(f"no {marker!r} within {timeout} s; got {seen[-500:]!r}")
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            raise EOFError(seen[-500:])
        seen += chunk
    return seen


def drain(process: subprocess.Popen) -> None:
    """Reads what watch has printed so far, so that a result it printed late (a second check of one
    save, which it may see half written) is not taken for the next save's."""
    while select.select([process.stdout], [], [], 0)[0]:
        if not os.read(process.stdout.fileno(), 65536):
            return


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=7)
    args = parser.parse_args()
    root = scratch_workspace(solved=False)
    from dunderquest.core.workspace import Workspace

    workspace = Workspace.find(root)
    times = {}
    for level in workspace.catalog:
        path = workspace.exercise(level)
        wrong = wrong_file(level)
        path.write_text(wrong)
        process = subprocess.Popen([sys.executable, "-m", "dunderquest", "watch", level.id, "--workspace", str(root)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            read_until(process, RESULT, 120)  # the first run (of the first level: it starts the warm grader)
            times[level.id] = []
            for n in range(args.saves):
                time.sleep(0.5)
                drain(process)
                began = time.perf_counter()
                path.write_text(wrong + f"\n# save {n}\n")
                read_until(process, RESULT, 60)
                times[level.id].append(time.perf_counter() - began)
        finally:
            process.stdin.write(b"q")
            process.stdin.close()
            process.wait(10)
    cold = cold_checks(root, workspace.catalog)
    by_level(f"save to result in `dunderquest watch`, {args.saves} saves a level", times, cold, at_most=0.150,
             at_least=30)
    cleanup()


if __name__ == "__main__":
    main()
