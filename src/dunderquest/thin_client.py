"""`dunderquest` from a shell, fast: `check`, `list`, `hint`, `lesson` and `grade` of one workspace go
to the background grader,
which already has everything imported, and what it writes is printed as it comes. Like mypy's
`dmypy` or Gradle's client, this side imports next to nothing: where no grader lingers for this
workspace's course (or it cannot answer), the command runs in this process, as before.

The console script starts here. The request carries the arguments, the folder the command was
started in, and the terminal's size and colours; the answer is JSON lines: {"out": text},
{"err": text}, {"page": text} (long text to show through this terminal's pager), then
{"exit": status}, or {"fallback": true} when the command must run here. The
grader's end of it is `run_for`, which runs the command with the grader's own warm client."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import socket
import sys
import threading

from .core import locations
from .grader.confinement.environment import PACK_VARIABLE
from .grader.service import address
from .pager import page, terminal_of

FORWARDED = ("check", "list", "hint", "lesson", "grade")


class ReaderGone(Exception):
    """What the command writes has no reader any more (`dunderquest list | head -1`)."""
HELLO_TIMEOUT = 5.0  # for the grader to answer the first line
SILENCE = 30.0  # a grader that sends nothing this long (not even its heartbeat, every 2 s) hangs


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        code = through_the_grader(argv)
    except KeyboardInterrupt:
        return 130
    except ReaderGone:  # the reader went away (`dunderquest list | head`): nothing more to say
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        return 1
    if code is None:
        from .cli import main as run_here

        return run_here(argv)
    return code


def command_and_workspace(argv: list[str]) -> tuple[str | None, str | None]:
    """The command named, and the folder --workspace names, if any (None, None for help or version)."""
    command = workspace = None
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help", "--version"):
            return None, None
        if word == "--workspace":
            workspace = next(words, None)
        elif word.startswith("--workspace="):
            workspace = word.split("=", 1)[1]
        elif command is None and not word.startswith("-"):
            command = word
    return command, workspace


def grader_environment(workspace: str) -> dict[str, str] | None:
    """This process's environment with the workspace's pack named, as the grader of that pack was
    started with it (core/pack.py, `grader_environment`); None when the workspace's record is damaged."""
    env = dict(os.environ)
    env.pop(PACK_VARIABLE, None)
    try:
        pack = locations.recorded_pack_folder(workspace)
    except ValueError:
        return None
    if pack is not None:
        env[PACK_VARIABLE] = pack
    return env


def through_the_grader(argv: list[str]) -> int | None:
    """The command's exit status, run by the background grader of its workspace's course; None when
    it is not one the grader runs, or no grader lingers to run it."""
    command, explicit = command_and_workspace(argv)
    if command not in FORWARDED or address.linger_seconds() <= 0:
        return None
    cwd = os.getcwd()
    if explicit is not None:
        workspace = os.path.join(cwd, explicit) if os.path.isdir(os.path.join(cwd, explicit, locations.STATE_DIR)) \
            else None
    else:
        workspace = locations.enclosing_workspace(cwd)
        if workspace is None and os.path.isdir(os.path.join(locations.default_workspace_path(), locations.STATE_DIR)):
            workspace = locations.default_workspace_path()
    if workspace is None:
        return None  # no workspace yet: the command makes one, and says so
    env = grader_environment(workspace)
    folder = address.runtime_folder(env) if env is not None else None
    if folder is None:
        return None
    name, fingerprint = address.identity(env)
    sock = connect(os.path.join(folder, f"{name}.sock"))
    if sock is None:
        return None
    with sock:
        return converse(sock, fingerprint, {"op": "command", "argv": argv, "cwd": cwd,
                                            "terminal": terminal_of(sys.stdout)})


def connect(path: str) -> socket.socket | None:
    """A connection to the grader listening at `path`, if one does and runs as this user."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(HELLO_TIMEOUT)
    try:
        sock.connect(path)
        if address.peer(sock)[1] != os.getuid():
            raise PermissionError("the grader there runs as another user")
    except OSError:
        sock.close()
        return None
    return sock


def converse(sock: socket.socket, fingerprint: str, request: dict) -> int | None:
    """Says hello, sends the command, and prints what comes back as it comes; the exit status, or
    None when the command must run here (a stale or silent grader, a fallback before any output)."""
    lines = sock.makefile("rb")
    printed = False
    try:
        sock.sendall(json.dumps({"op": "hello", "fingerprint": fingerprint}).encode() + b"\n")
        hello = json.loads(lines.readline() or b"{}")
        if not hello.get("ok"):
            return None  # it serves older files: the command's own path starts a fresh one
        sock.settimeout(SILENCE)
        sock.sendall(json.dumps(request).encode() + b"\n")
        for line in lines:
            message = json.loads(line)
            if "out" in message or "err" in message:
                stream = sys.stdout if "out" in message else sys.stderr
                try:
                    stream.write(message.get("out", message.get("err")))
                    stream.flush()
                except BrokenPipeError:
                    raise ReaderGone from None
                printed = True
            elif "page" in message:  # long text for this terminal: through its pager
                page(message["page"], sys.stdout)
                printed = True
            elif "exit" in message:
                return int(message["exit"])
            elif message.get("fallback"):
                break
    except (OSError, ValueError):
        pass
    if printed:  # the grader went away, or went silent, in the middle of it
        sys.stderr.write("(The background grader stopped answering; running the command here.)\n")
    return None


# -- the grader's end --------------------------------------------------------------------------------


class NotHere(Exception):
    """The command must run in the client's own process (its arguments are not for the grader's)."""


class Streamed:
    """What a command writes, sent to its thin client a flush at a time."""

    def __init__(self, send, stream: str):
        self.send, self.stream, self.held = send, stream, ""

    def write(self, text: str) -> int:
        self.held += text
        return len(text)

    def flush(self) -> None:
        if self.held:
            self.send({self.stream: self.held})
            self.held = ""


class Served:
    """The background grader's client, for `grade`: its runs go through `grade`, which ends them
    when the thin client goes."""

    def __init__(self, grader, grade):
        self.grader, self._grade = grader, grade

    def warm_up(self) -> None:
        pass

    def close(self) -> None:
        pass

    def grade(self, level, file, *, seed=None, display=None):
        return self._grade(level, file, seed, display=display)

    def finale(self, files):
        return self.grader.finale(files)


class PerThread:
    """sys.stdout or sys.stderr for a grader that runs several commands at once: what a thread writes
    goes to the stream it was given (`printed_to`), else where it went before."""

    def __init__(self, before):
        self.before, self.local = before, threading.local()

    def __getattr__(self, name: str):
        return getattr(getattr(self.local, "stream", None) or self.before, name)


_swap = threading.Lock()


@contextlib.contextmanager
def printed_to(out, err):
    """What this thread prints, to `out` and `err` (a command that prints, run for a thin client)."""
    with _swap:
        for name in ("stdout", "stderr"):
            if not isinstance(getattr(sys, name), PerThread):
                setattr(sys, name, PerThread(getattr(sys, name)))
    sys.stdout.local.stream, sys.stderr.local.stream = out, err
    try:
        yield
    finally:
        sys.stdout.local.stream = sys.stderr.local.stream = None


@functools.cache
def quiet_parser():
    """The command line's parser, made once in the background grader (making it takes about 20 ms,
    a fifth of a check from the shell). It neither writes nor exits: the client itself says what is
    wrong with its arguments."""
    import argparse

    from .cli import parser

    class QuietParser(argparse.ArgumentParser):
        def error(self, message: str):
            raise NotHere

        def exit(self, status: int = 0, message: str | None = None):
            raise NotHere

    return parser(QuietParser)


def run_for(request: dict, send, grader, pack, grade) -> int | None:
    """A thin client's command (`check`, `list`, `hint`, `lesson`, `grade` of one workspace), run in
    the background grader, which grades with `grade(level, file, seed)`; its exit status, or None when it must run in the client's own
    process (another pack than this grader's, or arguments the grader's parser refuses)."""
    from pathlib import Path

    from .exit_status import USAGE
    from .grader.limits import DEFAULT_TIMEOUT
    from .grader.service.client import Cancelled
    from .learner_commands import COMMANDS, NotServed, Shell, UsageError
    from .pager import longer_than_the_screen
    from .terminal import Terminal

    try:
        args = quiet_parser().parse_args(list(request["argv"]))
    except NotHere:
        return None
    out, err = Streamed(send, "out"), Streamed(send, "err")
    if args.command == "grade":
        from .classroom.teacher_commands import served_grade

        try:
            with printed_to(out, err):
                return served_grade(args, Path(request["cwd"]), pack, Served(grader, grade))
        except Cancelled:
            return 130
        finally:
            out.flush()
            err.flush()
    command = COMMANDS.get(args.command)
    if command is None:
        return None
    args.workspace = getattr(args, "workspace", None)

    def waiting() -> str:
        if not grader.ready.is_set():
            return "Waiting for the grader to start: importing PyTorch takes a few seconds."
        return f"Still running your code: a check that does not end is stopped after {DEFAULT_TIMEOUT:.0f} s."

    class Paged(Shell):
        def page(self, text: str) -> None:  # the client pages it, in its own terminal
            if self.terminal.interactive and longer_than_the_screen(text, self.terminal.height):
                self.out.flush()
                send({"page": text})
            else:
                super().page(text)

    shell = Paged(Path(request["cwd"]), out, err, Terminal(**request.get("terminal", {})),
                  lambda _, level, file, seed: grade(level, file, seed), waiting,
                  serves=lambda chosen: chosen.root == pack.root)
    try:
        return command(args, shell)
    except NotServed:
        return None
    except Cancelled:  # the client went away (ctrl+c): nobody reads the rest
        return 130
    except UsageError as problem:
        shell.warn(f"dunderquest: {problem}")
        return USAGE
    finally:
        out.flush()
        err.flush()
