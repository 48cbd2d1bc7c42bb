"""Save to result in the game, for every level: from `ctrl+r` (which saves the file, then runs the
checks) to the result on screen (the refresh after the result arrives), with the real warm grader.

Baseline: a cold `dunderquest check` of the same level, what a learner would otherwise wait for, in
the same run. Each level holds its reference solution, so every check runs to the end.
Goal: a median of at most 150 ms on every level, and at least 30x faster than a cold check.

    python benchmarks/tui_save_to_result.py [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from common import by_level, cleanup, cold_checks, scratch_workspace


async def measure(root, runs: int) -> dict[str, list[float]]:
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

    workspace = Workspace.find(root)
    for level in workspace.catalog:  # every level open, none read-only
        workspace.progress.record(level, passed=True)
    grader = GraderClient()
    app = Timed(workspace, grader=grader)
    times: dict[str, list[float]] = {}
    try:
        async with app.run_test(size=(110, 32)) as pilot:
            async def run_once() -> float:
                before = len(shown)
                began = time.perf_counter()
                await pilot.press("ctrl+r")
                while len(shown) == before:
                    await asyncio.sleep(0.002)
                return shown[-1] - began

            for level in workspace.catalog:
                app.game.open_level(level)
                await pilot.pause()
                await run_once()  # the level's first (the first level's starts the warm grader)
                times[level.id] = []
                for n in range(runs):
                    await asyncio.sleep(0.5)
                    app.game.editor.insert(f"# edit {n}\n", (0, 0))
                    times[level.id].append(await run_once())
    finally:
        grader.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    root = scratch_workspace()
    times = asyncio.run(measure(root, args.runs))
    from dunderquest.core.workspace import Workspace

    cold = cold_checks(root, Workspace.find(root).catalog)
    by_level(f"ctrl+r to the result on the game's screen, {args.runs} runs a level", times, cold, at_most=0.150,
             at_least=30)
    cleanup()


if __name__ == "__main__":
    main()
