"""Time to the game's first paint, against a bare Textual app measured the same way in the same run.

Each run is a fresh process (headless, 100x32) timed from its start until the app's `Ready` event,
which Textual sends after the first screen is painted. The game runs with the grader that
`dunderquest play` uses, whose warm-up starts in the background after the first paint. The child
also reports whether torch or pytest were imported (they must not be: the grader has its own process).
Goal: the game's first paint at most 1.5x the bare app's, with its first screen complete (the lesson, the file
and the levels).

    python benchmarks/first_paint.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from common import cleanup, line, ratio, scratch_workspace

BARE = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

    def on_ready(self):
        print("ready", "torch" in sys.modules, "pytest" in sys.modules, flush=True)
        self.exit()

Bare().run(headless=True, size=(100, 32))
"""

GAME = """
from pathlib import Path
from dunderquest.core.workspace import Workspace
from dunderquest.tui.app import DunderquestApp, warm_grader

class Timed(DunderquestApp):
    def on_ready(self):
        print("ready", "torch" in sys.modules, "pytest" in sys.modules, flush=True)
        self.exit()

workspace = Workspace.find(Path(WORKSPACE))
grader = warm_grader(workspace)  # as `dunderquest play` makes it (no grader lingers here: see common.py)
try:
    Timed(workspace, grader=grader).run(headless=True, size=(100, 32))
finally:
    grader.close()
"""


def first_paint(code: str) -> tuple[float, str]:
    """Seconds from spawning the process to its `ready` line, and that line."""
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", "import sys\n" + code], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    for output in child.stdout:
        if output.startswith("ready"):
            seconds = time.perf_counter() - began
            child.wait()
            return seconds, output.strip()
    child.wait()
    raise RuntimeError(f"the app never became ready (exit code {child.returncode})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    workspace = scratch_workspace("first-paint", solved=False)
    game_code = GAME.replace("WORKSPACE", repr(str(workspace)))
    try:
        first_paint(BARE)  # warm the OS file cache for both
        first_paint(game_code)
        bare, game, reports = [], [], set()
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            bare.append(first_paint(BARE)[0])
            seconds, report = first_paint(game_code)
            game.append(seconds)
            reports.add(report)
        print(f"First paint, headless 100x32, median of {args.runs} fresh processes:")
        line("bare Textual app (baseline)", statistics.median(bare), "ms")
        line("dunderquest play (level 1, the real grader)", statistics.median(game), "ms")
        ratio("dunderquest / bare Textual app", statistics.median(game) / statistics.median(bare), "<= 1.5 x")
        imported = {"torch": any(r.split()[1] == "True" for r in reports),
                    "pytest": any(r.split()[2] == "True" for r in reports)}
        print(f"  imported in the game's process: torch {imported['torch']}, pytest {imported['pytest']}")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
