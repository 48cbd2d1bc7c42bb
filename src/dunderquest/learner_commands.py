"""The commands a learner runs most, `check`, `list` and `hint`, wherever they run: in the command's
own process, or in the background grader, which runs them for a thin client (thin_client.py) and
sends back what they write, as they write it. A `Shell` is what a command needs of where it runs:
the folder it was started in, where it writes, and how it grades.

Exit codes: 0 when all is well (every check passed), 1 when a check failed, 2 for a usage error."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import presenter
from .core.catalog import Level, UnknownLevel
from .core.file_errors import not_recorded
from .core.pack import Pack
from .core.progress import Status
from .core.workspace import NoWorkspace, Workspace, resolve_workspace
from .exit_status import FAILED, OK
from .grader.limits import DEFAULT_TIMEOUT
from .grader.result import LevelResult
from .terminal import Terminal, markdown_text

WAITED = 1.0  # seconds a command waits for a result before it says what it waits for


class UsageError(Exception):
    pass


class NotServed(Exception):
    """The workspace plays another course pack than the one this shell's grader grades."""


def grade_here(pack: Pack, level: Level, file: Path, seed: int | None) -> LevelResult:
    """How a command grades in its own process: by the lingering grader, or a one-off check."""
    from .grader.service.command import check

    return check(pack, level, file, seed=seed)


@dataclass
class Shell:
    """Where a command runs: the folder it was started in, where it writes (stdout and stderr, or a
    thin client's) and what they show, how it grades, and what to say while it waits for the grader."""

    cwd: Path
    out: TextIO
    err: TextIO
    terminal: Terminal = field(default_factory=Terminal)
    grade: Callable[[Pack, Level, Path, int | None], LevelResult] = grade_here
    waiting: Callable[[], str] = lambda: ("Waiting for the grader: the first check in a while starts it, which "
                                          f"takes a few seconds; a check that never ends is stopped after "
                                          f"{DEFAULT_TIMEOUT:.0f} s.")
    serves: Callable[[Pack], bool] = lambda pack: True  # whether it grades this pack's levels

    @classmethod
    def here(cls) -> Shell:
        return cls(Path.cwd(), sys.stdout, sys.stderr, Terminal.of(sys.stdout))

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def show_markdown(self, text: str) -> None:
        """Markdown as Rich draws it for this terminal (its code coloured), paged when it is longer
        than the screen."""
        self.page(markdown_text(text, self.terminal))

    def page(self, text: str) -> None:
        from .pager import longer_than_the_screen, page

        if self.terminal.interactive and longer_than_the_screen(text, self.terminal.height):
            self.out.flush()
            page(text, self.out)
        else:
            self.out.write(text)
            self.out.flush()

    def warn(self, text: str) -> None:
        print(text, file=self.err, flush=True)


def workspace_of(args: argparse.Namespace, shell: Shell) -> Workspace:
    """The workspace the command works in, with the course pack it plays: found once, here, and
    handed down to everything the command does."""
    explicit = Path(args.workspace) if args.workspace else None
    try:
        resolved = resolve_workspace(explicit if explicit is None or explicit.is_absolute() else shell.cwd / explicit,
                                     shell.cwd)
    except NoWorkspace as err:
        raise UsageError(str(err)) from None
    if not shell.serves(resolved.workspace.pack):
        raise NotServed
    if resolved.note:
        shell.warn(resolved.note)
    progress = resolved.workspace.progress
    progress.load()  # sets a damaged progress file aside, with a warning
    if progress.warning:
        shell.warn(progress.warning)
    return resolved.workspace


def level_named(workspace: Workspace, name: str) -> Level:
    try:
        return workspace.catalog.get(name)
    except UnknownLevel as err:
        raise UsageError(str(err)) from None


def listing(args: argparse.Namespace, shell: Shell) -> int:
    workspace = workspace_of(args, shell)
    progress = workspace.progress
    state = progress.load()
    rows = [{"id": level.id, "title": level.title, "status": progress.status(level, state),
             "file": level.exercise_path} for level in workspace.catalog]
    if args.format == "json":
        shell.say(json.dumps(rows))
        return OK
    for level, row in zip(workspace.catalog, rows, strict=True):
        shell.say(f"{level.number:>2}  {row['status']:<8}  {level.title} ({level.class_name})  {row['file']}")
    passed = sum(row["status"] is Status.PASSED for row in rows)
    shell.say(f"\n{passed}/{len(rows)} passed. Workspace: {workspace.root}")
    return OK


@contextlib.contextmanager
def saying_while_it_waits(shell: Shell | None) -> Iterator[None]:
    """Says what the command waits for, once, if the block takes more than WAITED seconds."""
    lock, done = threading.Lock(), threading.Event()

    def say_once() -> None:
        if not done.wait(WAITED):
            with lock:
                if not done.is_set():
                    shell.say(shell.waiting())

    if shell is not None:
        threading.Thread(target=say_once, daemon=True).start()
    try:
        yield
    finally:
        with lock:
            done.set()


def check(args: argparse.Namespace, shell: Shell) -> int:
    workspace = workspace_of(args, shell)
    progress = workspace.progress
    level = level_named(workspace, args.level) if args.level else progress.current()
    was_locked = progress.status(level) is Status.LOCKED
    text = args.format == "text"
    if text:  # at once, and what it waits for when that takes a while
        shell.say(presenter.heading(level))
    started = time.monotonic()
    with saying_while_it_waits(shell if text else None):
        result = shell.grade(workspace.pack, level, workspace.exercise(level), args.seed)
    took = time.monotonic() - started  # with the grader's start, which the result's own time leaves out
    try:
        outcome, problem = progress.record(level, result.passed), None
    except OSError as err:  # a full disk, a read-only workspace: the result is said all the same
        outcome, problem = None, not_recorded(progress.path, err)
    if not text:
        shell.say(json.dumps(result.to_json()))
        if problem:
            shell.warn(problem)
        return OK if result.passed else FAILED
    if was_locked:
        shell.say(presenter.LOCKED)
    shell.say(f"Data: {result.data}\n")
    shell.say("\n".join(presenter.check_lines(result)))
    if extra := presenter.notes_and_printed(result):
        shell.say("\n" + "\n".join(extra))
    shell.say(f"\n{presenter.summary(result, took)}")
    if outcome is None:
        shell.warn(problem)
    elif after := presenter.after_check(outcome, presenter.SHELL, has_finale=workspace.pack.finale is not None):
        shell.say("\n".join(after))
    return OK if result.passed else FAILED


def hint(args: argparse.Namespace, shell: Shell) -> int:
    workspace = workspace_of(args, shell)
    level = level_named(workspace, args.level) if args.level else workspace.progress.current()
    shown = workspace.progress.next_hint(level)
    shell.show_markdown(f"**{shown.heading}** ({level.class_name})\n\n{shown.text}")
    return OK


def lesson(args: argparse.Namespace, shell: Shell) -> int:
    workspace = workspace_of(args, shell)
    level = level_named(workspace, args.level) if args.level else workspace.progress.current()
    try:
        text = level.lesson()
    except (OSError, ValueError) as err:
        shell.warn(f"The lesson of level {level.number} cannot be read: {err}")
        return FAILED
    shell.show_markdown(f"{text.rstrip()}\n\n---\n\nYour file: `{level.exercise_path}`. Check it with "
                        f"`dunderquest check {level.number}`; stuck? `dunderquest hint {level.number}`.")
    return OK


COMMANDS = {"check": check, "list": listing, "hint": hint, "lesson": lesson}
