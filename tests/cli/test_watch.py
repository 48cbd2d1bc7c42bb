"""`dunderquest watch`, run as a learner runs it beside their own editor: each save is checked, keys
act at once, and an input that is not a terminal (an IDE's run pane, a job in the background) leaves
it watching with the keys off."""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.usefixtures("lingering_grader")


class Watching:
    """A `dunderquest watch` process and everything it has printed so far."""

    def __init__(self, workspace: Path, stdin):
        self.process = subprocess.Popen([sys.executable, "-m", "dunderquest", "watch", "--workspace", str(workspace)],
                                        stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.seen = b""
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)

    def wait_for(self, text: str, timeout: float = 120) -> str:
        """Reads until `text` has been printed (after what was read before); returns all output."""
        start = len(self.seen)
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen[start:]:
            left = deadline - time.monotonic()
            assert left > 0, f"watch never printed {text!r}; it printed:\n{self.seen.decode(errors='replace')}"
            if self.selector.select(min(left, 1.0)):
                chunk = os.read(self.process.stdout.fileno(), 65536)
                assert chunk, f"watch ended before printing {text!r}:\n{self.seen.decode(errors='replace')}"
                self.seen += chunk
        return self.seen.decode(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(60)
        finally:
            self.process.stdout.close()


@pytest.fixture
def workspace(tmp_path) -> Path:
    from dunderquest.core.workspace import Workspace

    return Workspace.create(tmp_path / "ws").root


def test_without_a_terminal_it_keeps_watching_and_checks_each_save(workspace):
    watching = Watching(workspace, subprocess.DEVNULL)
    try:
        watching.wait_for("keys are off; still watching")
        watching.wait_for("checks passed")  # the stub, checked once at the start
        shutil.copyfile(REPO / "solutions" / "level1_double.py",
                        workspace / "exercises" / "level1_double.py")
        out = watching.wait_for("is now unlocked: watching exercises/level2_data.py now")
        assert "Level 1 passed." in out
        assert watching.process.poll() is None, "it stopped watching"
    finally:
        code = watching.stop()
    assert code == 0


def test_keys_show_the_lesson_a_hint_and_the_levels_and_q_quits(workspace):
    watching = Watching(workspace, subprocess.PIPE)
    try:
        watching.wait_for("checks passed")
        watching.process.stdin.write(b"r")
        watching.process.stdin.flush()
        lesson = watching.wait_for("r lesson")
        assert "Objects you can call" in lesson and "```" not in lesson
        watching.process.stdin.write(b"h")
        watching.process.stdin.flush()
        assert "Level 1: hint 1 of" in watching.wait_for("hint 1 of")
        watching.process.stdin.write(b"l")
        watching.process.stdin.flush()
        assert "> 1  unlocked" in watching.wait_for("> 1  unlocked")
        watching.process.stdin.write(b"q")
        watching.process.stdin.flush()
        assert watching.process.wait(60) == 0
    finally:
        watching.process.stdin.close()
        watching.stop()
