"""The installed `dunderquest play` in a real terminal: tmux, a fixed size, real keys, the real grader."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from dunderquest.core.pack import builtin_pack
from tools import installed, tmux

pytestmark = [pytest.mark.e2e]

SIZE = (120, 36)


class Terminal:
    """One tmux session on a server of its own, so the test never touches the learner's tmux."""

    def __init__(self, tmp: Path):
        self.socket = f"dunderquest-e2e-{os.getpid()}"
        # Without a client attached, tmux sizes windows from these options, not from new-session -x -y.
        self.config = tmp / "tmux.conf"
        self.config.write_text(f"set -g default-size {SIZE[0]}x{SIZE[1]}\n")

    def tmux(self, *args: str) -> str:
        return subprocess.run([tmux(), "-L", self.socket, "-f", str(self.config), *args], check=True,
                              capture_output=True, text=True).stdout

    def start(self, command: list[str], env: dict[str, str]) -> None:
        width, height = SIZE
        settings = [f"{key}={value}" for key, value in env.items()]
        # COLUMNS and LINES (pytest's may be set) would override the size the terminal reports.
        self.tmux("new-session", "-d", "-s", "game", "-x", str(width), "-y", str(height),
                  "env", "-u", "COLUMNS", "-u", "LINES", *settings, *command)
        self.tmux("set-option", "-t", "game", "remain-on-exit", "on")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "game")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "game", *keys)

    def wait_for(self, *texts: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while True:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            if time.monotonic() > deadline:
                size = self.pane("pane_width") + "x" + self.pane("pane_height")
                raise AssertionError(f"{texts} did not show in {seconds} s. The screen ({size}):\n{screen}")
            time.sleep(0.2)

    def pane(self, field: str) -> str:
        return self.tmux("display-message", "-p", "-t", "game", f"#{{{field}}}").strip()

    def nudge_if_exited(self, pid: str) -> None:
        """Makes tmux reap the pane's process if it has exited unseen. Built with libutempter, tmux
        misses the SIGCHLD of a child that exits while utempter's own handler is in place (when the
        pane's terminal closes at the same moment), and leaves it a zombie until the next SIGCHLD
        (tmux issues 311 and 4559)."""
        try:
            exited = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        except (OSError, IndexError):
            return
        if exited:
            os.kill(int(self.tmux("display-message", "-p", "#{pid}").strip()), signal.SIGCHLD)

    def stop(self) -> None:
        subprocess.run([tmux(), "-L", self.socket, "kill-server"], capture_output=True)


def threads(pid: str) -> str:
    """What each thread of a process is doing, as the kernel sees it (its stack only for root)."""
    lines = []
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        fields = {}
        for name in ("comm", "stat", "wchan", "syscall", "stack"):
            try:
                fields[name] = (task / name).read_text().strip()
            except OSError as err:
                fields[name] = f"({err.strerror})"
        lines.append(f"{task.name} {fields['comm']}: {fields['stat']}\n  wchan {fields['wchan']}"
                     f"\n  syscall {fields['syscall']}\n  {fields['stack']}")
    return "\n".join(lines) or f"(no threads under /proc/{pid})"


def listed(workspace: Path, env: dict[str, str]) -> dict[str, str]:
    out = subprocess.run([installed("dunderquest"), "list", "--format", "json", "--workspace", str(workspace)],
                         check=True, capture_output=True, text=True, env={**os.environ, **env}).stdout
    return {row["id"]: row["status"] for row in json.loads(out)}


def test_play_in_a_real_terminal(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "DUNDERQUEST_DATA": str(tmp_path / "mnist")}
    workspace = tmp_path / "ws"
    subprocess.run([installed("dunderquest"), "init", str(workspace)], check=True, capture_output=True,
                   env={**os.environ, **env})
    exercise = workspace / "exercises" / "level1_double.py"
    # $EDITOR for ctrl+o: a script that adds a line to the file it is given.
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho "# added in EDITOR" >> "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)

    terminal = Terminal(tmp_path)
    terminal.start([installed("dunderquest"), "play", "--workspace", str(workspace)], {**env, "EDITOR": str(editor)})
    try:
        levels = len(builtin_pack().catalog)
        terminal.wait_for("exercises/level1_double.py", "Objects you can call", f"0/{levels} passed")

        # Solve level 1 from outside; the game reloads the file, then ctrl+r grades it.
        exercise.write_text(builtin_pack().catalog.get("1").solution())
        terminal.wait_for("def __call__(self, x):", seconds=10)
        terminal.keys("C-r")
        terminal.wait_for("PASSED", "Level 1 passed", f"1/{levels} passed", seconds=90)
        assert listed(workspace, env)["level1_double"] == "passed"
        assert listed(workspace, env)["level2_data"] == "unlocked"

        # A syntax error written from outside: reloaded, graded, reported with its line.
        exercise.write_text("class Double:\n    def __call__(self, x)  # broken on purpose\n"
                            "        return 2 * x\n")
        terminal.wait_for("broken on purpose", seconds=10)
        terminal.keys("C-r")
        screen = terminal.wait_for("SyntaxError", "Line 2 of your file", "(line 2)", seconds=60)
        assert "NOT YET" in screen
        assert terminal.pane("pane_dead") == "0"

        # ctrl+o hands the terminal to $EDITOR and reloads the file afterwards.
        terminal.keys("C-o")
        terminal.wait_for("# added in EDITOR", seconds=15)
        assert exercise.read_text().endswith("# added in EDITOR\n")

        game = terminal.pane("pane_pid")
        terminal.keys("C-q")
        deadline = time.monotonic() + 60  # quitting stops the grader's processes too
        # tmux marks the pane dead a moment before it records the exit status.
        while terminal.pane("pane_dead") != "1" or terminal.pane("pane_dead_status") == "":
            if time.monotonic() > deadline:
                processes = subprocess.run(["ps", "-eo", "pid,ppid,stat,etime,args"], capture_output=True,
                                           text=True).stdout
                raise AssertionError(f"the game did not quit:\n{terminal.screen()}\nProcesses:\n{processes}\n"
                                     f"The game's threads:\n{threads(terminal.pane('pane_pid'))}")
            terminal.nudge_if_exited(game)
            time.sleep(0.2)
        assert terminal.pane("pane_dead_status") == "0"
    finally:
        terminal.stop()
