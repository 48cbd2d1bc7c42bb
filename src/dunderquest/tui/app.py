"""The game. (Being built: until it lands, `play` points to the CLI.)"""

from __future__ import annotations


def run_game(workspace) -> int:
    print(f"The full-screen game is coming soon. Your workspace is {workspace.root}.")
    print("Until then: edit exercises/level1_double.py and run `dunderquest check 1`.")
    return 0
