"""Save to result in `dunderquest watch`: the time from writing the exercise file to the line that
reports its result, file event included.

Baseline: a cold `dunderquest check` of the same level, what a learner without watch would run.
Goal: a median under 300 ms.

    python benchmarks/watch_latency.py [--saves 15]
"""

from __future__ import annotations

import argparse
import os
import select
import statistics
import subprocess
import sys
import time

from common import cleanup, cold_check, line, ratio, scratch_workspace

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=15)
    args = parser.parse_args()
    root = scratch_workspace(solved=False)
    from dunderquest.core.workspace import Workspace

    workspace = Workspace.find(root)
    level = workspace.catalog.get("2")
    path = workspace.exercise(level)
    stub, solution = level.stub(), level.solution()
    # Level 1 passed, so watch starts on level 2 and stays there while its file alternates
    # between the stub and a solution that fails one check.
    workspace.progress.record(workspace.catalog.get("1"), passed=True)
    almost = solution.replace("return self.items[i]", "return self.items[i] if i < len(self) else None")
    process = subprocess.Popen([sys.executable, "-m", "dunderquest", "watch", "--workspace", str(root)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    read_until(process, RESULT, 120)  # the first run starts the warm grader
    times = []
    for n in range(args.saves):
        time.sleep(0.5)
        began = time.perf_counter()
        path.write_text((almost if n % 2 else stub) + f"\n# save {n}\n")
        read_until(process, RESULT, 60)
        times.append(time.perf_counter() - began)
    process.stdin.write(b"q")
    process.stdin.close()
    process.wait(10)
    cold = cold_check(root, level.id)
    print(f"save to result in `dunderquest watch`, level 2, {args.saves} saves:")
    line("cold `dunderquest check 2` (baseline)", cold)
    line("save to result, median", statistics.median(times), "ms")
    line("save to result, slowest", max(times), "ms")
    ratio("speed-up, cold check / watch", cold / statistics.median(times), "median under 300 ms")
    cleanup()


if __name__ == "__main__":
    main()
