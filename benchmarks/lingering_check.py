"""`dunderquest check LEVEL` typed again in a shell, for every level: the thin client, answered by
the background grader, against a cold check and against the game's own warm check of that level.

Baselines, measured in the same run: a cold check (DUNDERQUEST_LINGER=0: the command imports torch
and grades in its own process), and the game's warm check (a `GraderClient` in this process, after
its first run: what ctrl+r costs, without the screen). The shell: the first check starts the
background grader; every later one is `python -m dunderquest check LEVEL`, whose thin client hands
it to that grader and prints what comes back. Every result must equal the cold one (the checks'
verdicts and messages, with the same --seed).
Goals: every level's later check at least 30x faster than a cold one, and within 1.5x of the game's
warm check of the same level.

    python benchmarks/lingering_check.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from common import SCRATCH, by_level, cleanup, line, ratio, scratch_workspace


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
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from dunderquest.core.workspace import Workspace
    from dunderquest.grader.service.client import GraderClient

    root = scratch_workspace()
    workspace = Workspace.find(root)
    runtime = SCRATCH / "run"
    runtime.mkdir(mode=0o700)
    cold_env = dict(os.environ, DUNDERQUEST_LINGER="0")
    lingering_env = dict(os.environ, DUNDERQUEST_LINGER="600", XDG_RUNTIME_DIR=str(runtime))
    check(root, "1", cold_env)  # unpacks the MNIST sample and warms the disk cache
    game = GraderClient()
    game.grade(workspace.catalog.get("1"), workspace.exercise(workspace.catalog.get("1")))
    cold, shell, warm, same = {}, {}, {}, True
    try:
        first, _ = check(root, "1", lingering_env)
        for level in workspace.catalog:
            seconds, expected = check(root, level.id, cold_env)
            cold[level.id] = seconds
            shell[level.id], warm[level.id] = [], []
            check(root, level.id, lingering_env)  # the level's first: its checks are collected already
            for _ in range(args.runs):
                time.sleep(0.3)  # as a learner types: the grader forks its spares between checks
                seconds, result = check(root, level.id, lingering_env)
                shell[level.id].append(seconds)
                same &= result == expected
                time.sleep(0.3)
                began = time.perf_counter()
                game.grade(level, workspace.exercise(level), seed=3)
                warm[level.id].append(time.perf_counter() - began)
    finally:
        game.close()
        subprocess.run([sys.executable, "-m", "dunderquest", "stop"], env=lingering_env, capture_output=True)
    print(f"`dunderquest check LEVEL` from a shell, medians of {args.runs} (same results as cold: {same}):")
    line("the first check, which starts the background grader", first)
    by_level("a later check from a shell, against a cold one", shell, cold, at_least=30)
    print("a later check from a shell, against the game's warm check of the same level:")
    worst = max(shell, key=lambda level: statistics.median(shell[level]) / statistics.median(warm[level]))
    for level in shell:
        print(f"  {level:<24} shell {statistics.median(shell[level]) * 1000:>5.0f} ms, game "
              f"{statistics.median(warm[level]) * 1000:>5.0f} ms: "
              f"{statistics.median(shell[level]) / statistics.median(warm[level]):.2f} x")
    ratio(f"largest shell / game ({worst})", statistics.median(shell[worst]) / statistics.median(warm[worst]),
          "<= 1.5 x on every level")
    cleanup()
    if not same:
        sys.exit("a check from the shell gave another result than the cold one")


if __name__ == "__main__":
    main()
