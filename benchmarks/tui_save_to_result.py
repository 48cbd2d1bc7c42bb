"""Save to result in the game: from `ctrl+r` (which saves the file, then runs the checks) to the
result on screen (the refresh after the result arrives), with the real warm grader.

Baseline: a cold `dunderquest check` of the same level, what a learner would otherwise wait for.
Goal: a median under 300 ms.

    python benchmarks/tui_save_to_result.py [--runs 15]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from common import cleanup, cold_check, line, ratio, scratch_workspace


async def measure(root, runs: int) -> list[float]:
    from dunderquest.core.workspace import Workspace
    from dunderquest.grader.service.client import GraderClient
    from dunderquest.tui.app import DunderquestApp
    from dunderquest.tui.game import GameScreen

    shown: list[float] = []

    class TimedGame(GameScreen):
        def on_graded(self, message) -> None:
            super().on_graded(message)
            # The result is on screen once the next refresh has painted it.
            self.call_after_refresh(lambda: shown.append(time.perf_counter()))

    class Timed(DunderquestApp):
        def __init__(self, workspace, grader):
            super().__init__(workspace, grader=grader)
            self.game = TimedGame(self.workspace, self.grader)

    grader = GraderClient()
    app = Timed(Workspace.find(root), grader=grader)
    times = []
    try:
        async with app.run_test(size=(110, 32)) as pilot:
            async def run_once() -> float:
                before = len(shown)
                began = time.perf_counter()
                await pilot.press("ctrl+r")
                while len(shown) == before:
                    await asyncio.sleep(0.002)
                return shown[-1] - began

            await run_once()  # the first run starts the warm grader
            for n in range(runs):
                await asyncio.sleep(0.5)
                app.game.editor.insert(f"# edit {n}\n", (0, 0))
                times.append(await run_once())
    finally:
        grader.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    root = scratch_workspace(solved=False)
    times = asyncio.run(measure(root, args.runs))
    cold = cold_check(root, "level1")
    print(f"save to result in the game, level 1, {args.runs} runs:")
    line("cold `dunderquest check 1` (baseline)", cold)
    line("ctrl+r to result on screen, median", statistics.median(times), "ms")
    line("ctrl+r to result on screen, slowest", max(times), "ms")
    ratio("speed-up, cold check / game", cold / statistics.median(times), "median under 300 ms")
    cleanup()


if __name__ == "__main__":
    main()
