"""`dunderquest watch`: for learners who prefer their own editor. Each save of the current level's
file reruns its checks on the warm grader and prints the result, first failure first. One key per
action: r read the lesson, h hint, l list, n next level (once passed), q quit."""

from __future__ import annotations

import contextlib
import hashlib
import os
import select
import sys
import termios
import tty
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from . import presenter
from .core.catalog import Level
from .core.file_errors import disk_is_full, link_target, not_recorded, what_to_do, why_not
from .core.progress import Status
from .core.workspace import Workspace
from .grader.result import LevelResult
from .grader.service.client import Cancelled, GraderClient, GraderUnavailable
from .grader.service.lingering_client import warm_grader
from .terminal import Terminal, markdown_text

POLL = 0.02  # seconds between looks at the file: a save shows up within 20 ms
UNREADABLE = "unreadable"  # what was seen of a file that cannot be read


def fingerprint(path: Path) -> str | OSError | None:
    """The file's hash; None while it is missing; why it cannot be read, when it cannot (a folder in
    its place, no permission)."""
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError as err:
        return err


# How watch names what a learner can do next (presenter.py): keys, and it moves on by itself.
KEYS = presenter.Front(hint=lambda level: "h", solution=lambda level: f"dunderquest solution {level.number}",
                       open_level=lambda level: f"watching {level.exercise_path} now", finale="dunderquest finale")


def render(level: Level, result: LevelResult, run: int) -> str:
    """The result, compact: the first failure with its message, then the others by name."""
    lines = [f"{presenter.heading(level)}   [run {run}, {result.seconds:.2f} s]",
             *presenter.check_lines(result, first_failure_only=True), *presenter.notes_and_printed(result),
             f"  {presenter.summary(result)}  Data: {result.data}"]
    return "\n".join(lines)


@contextlib.contextmanager
def single_keys(stream: TextIO) -> Iterator[None]:
    """Keys arrive one at a time, without Enter, when the input is a terminal."""
    if not stream.isatty():
        yield
        return
    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


class Watch:
    def __init__(self, workspace: Workspace, level: Level, grader: GraderClient, out: TextIO):
        self.workspace, self.level, self.grader, self.out = workspace, level, grader, out
        self.terminal = Terminal.of(out)
        self.runs = 0
        self.passed = False

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def keys_help(self) -> str:
        return "r lesson · h hint · l list · " + ("n next level · " if self.passed else "") + "q quit"

    def say_markdown(self, text: str) -> None:
        self.out.write(markdown_text(text, self.terminal))
        self.out.flush()

    def start_level(self, level: Level) -> None:
        self.level, self.runs = level, 0
        self.passed = self.workspace.progress.status(level) is Status.PASSED
        path = self.workspace.exercise(level)
        target = link_target(path)
        self.say(f"\nWatching {path}" + (f", a link to {target}" if target else ""))
        self.say(f"Level {level.number}: {level.title}. {level.summary}")
        self.say("Save the file to check it.  " + self.keys_help())

    def check(self) -> None:
        self.runs += 1
        if self.out.isatty():
            self.out.write("\033[2J\033[H")
        self.say(f"Checking {self.level.exercise_path} ...")
        if disk_is_full(self.workspace.root):  # an editor's save may have been cut short
            self.say(f"The disk is full: your editor may not have saved all of {self.level.exercise_path}. Free "
                     "some space on the disk, then save it again.")
        try:
            result = self.grader.grade(self.level, self.workspace.exercise(self.level))
        except (Cancelled, GraderUnavailable) as err:
            self.say(f"The check could not run: {err or 'cancelled'}")
            return
        self.say(render(self.level, result, self.runs))
        try:
            outcome = self.workspace.progress.record(self.level, result.passed)
        except OSError as err:  # a full disk, a read-only workspace: the result is said all the same
            self.say(not_recorded(self.workspace.progress.path, err))
            self.say(self.keys_help())
            return
        for line in presenter.after_check(outcome, KEYS, has_finale=self.workspace.pack.finale is not None):
            self.say(line)
        if not outcome.passed:
            self.say(self.keys_help())
            return
        self.passed = True
        if outcome.following is None:
            self.say("q quit")
            return
        self.start_level(outcome.following)

    def key(self, key: str) -> bool:
        """Acts on one key; False means quit."""
        key = key.lower()
        if key == "q":
            return False
        if key == "r":
            self.say_markdown(self.level.lesson())
            self.say(self.keys_help())
        elif key == "h":
            hint = self.workspace.progress.next_hint(self.level)
            self.say_markdown(f"**{hint.heading}**\n\n{hint.text}")
        elif key == "l":
            state = self.workspace.progress.load()
            for level in self.workspace.catalog:
                status = self.workspace.progress.status(level, state)
                mark = ">" if level == self.level else " "
                self.say(f"{mark} {level.number}  {status:<8}  {level.title} ({level.class_name})")
        elif key == "n":
            following = self.workspace.catalog.after(self.level)
            if not self.passed:
                self.say("Pass this level first: n moves on once every check passes.")
            elif following is None:
                self.say("This is the last level.")
            else:
                self.start_level(following)
        return True

    def run(self, keys: TextIO) -> int:
        self.grader.warm_up()
        self.start_level(self.level)
        seen, watched = None, self.level  # None: check once at the start, as on a save
        listening = True  # to keys; an input that ends (no terminal: an IDE's run pane, `&`) turns them off
        with single_keys(keys):
            while True:
                ready, _, _ = select.select([keys] if listening else [], [], [], POLL)
                if ready:
                    key = os.read(keys.fileno(), 1).decode(errors="ignore")
                    if not key:
                        listening = False
                        self.say("(The input ended, so keys are off; still watching. Ctrl+C stops.)")
                    elif not self.key(key):  # q
                        return 0
                if self.level != watched:
                    watched, seen = self.level, None
                now = fingerprint(self.workspace.exercise(self.level))
                if isinstance(now, OSError):
                    if seen != UNREADABLE:  # said once, until the file can be read again
                        seen = UNREADABLE
                        self.say(f"{self.level.exercise_path} cannot be read: {why_not(now)}. {what_to_do(now)}")
                elif now is not None and now != seen:
                    seen = now
                    self.check()


def watch(workspace: Workspace, level: Level | None) -> int:
    grader = warm_grader(workspace.pack)
    try:
        return Watch(workspace, level or workspace.progress.current(), grader, sys.stdout).run(sys.stdin)
    except KeyboardInterrupt:
        return 0
    finally:
        grader.close()
