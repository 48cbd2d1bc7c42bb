"""kill -9 where the learner's work lives (see injection.py): of the game, the lingering grader, its
zygote or a sandbox, at random moments of save-and-check cycles; and 40 `dunderquest check` at once
against a lingering grader killed half way. No file is damaged, no pass is lost, and the next command
works with nothing to clear away. `benchmarks/faults.py` runs the same over hundreds of cycles.

Each run is a process of its own: it makes itself the reaper of the processes its game leaves behind,
so that it can tell that none outlives it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).with_name("injection.py")
pytestmark = pytest.mark.slow

# The faults of the test's cycles, in turn: each kind, and more of those that cost no torch import.
TARGETS = ["game", "sandbox", "zygote", "game", "sandbox", "lingering grader", "sandbox", "game", "sandbox", "game"]


def harness(*args: str) -> dict:
    done = subprocess.run([sys.executable, str(HARNESS), *args], capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_kill_9_at_random_moments_of_save_and_check_cycles_damages_and_loses_nothing():
    counts = harness("kills", "--cycles", "20", "--seed", "1", "--targets", ",".join(TARGETS))
    assert counts["problems"] == [], "\n".join(counts["problems"])
    assert counts["faults"] == 20, counts
    assert set(counts["by_target"]) == set(TARGETS)
    assert (counts["damaged"], counts["lost"], counts["cleanup"], counts["left_behind"]) == (0, 0, 0, 0), counts


def test_forty_checks_at_once_each_answered_and_right_though_the_grader_is_killed_half_way():
    figures = harness("at-once", "--count", "40", "--kill-halfway")
    assert figures["killed"], figures
    assert figures["wrong"] == [] and figures["answered"] == 40, figures["wrong"]
    assert figures["leftovers"] == []
