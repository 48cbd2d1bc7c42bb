"""The sandbox's first process, which stays outside its PID namespace as its supervisor: it starts
the namespace's init (init.py), waits for the learner's process, and makes sure nothing below it
outlives the sandbox. It ends the way the learner's process ended, so the grader can tell how.
(As root, the grader starts the init itself and holds it: see enter.start_in_pid_namespace.)"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from ..limits import PROCESS_LIMIT, TOO_MANY_PROCESSES
from .init import SAW_TOO_MANY

INIT = str(Path(__file__).resolve().with_name("init.py"))


def spawn_init(close: Iterable[int]) -> tuple[int, int]:
    """Starts the namespace's init, with the descriptors in `close` closed and its standard ones on
    /dev/null (never the grader's output, which a caller may be reading to its end); returns its pid
    and the end of its pipe that keeps it alive while this process holds it."""
    ending, keep_alive = os.pipe()
    try:
        os.set_inheritable(ending, True)
        actions = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
        actions += [(os.POSIX_SPAWN_CLOSE, fd) for fd in close]
        pid = os.posix_spawn(sys.executable, [sys.executable, "-I", "-S", INIT, str(PROCESS_LIMIT), str(ending)],
                             {}, file_actions=actions)
    except OSError:
        os.close(keep_alive)
        raise
    finally:
        os.close(ending)
    return pid, keep_alive


def _children_of(pid: int) -> list[int]:
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return kids


def kill_descendants() -> None:
    """Kills every process below this one (a child subreaper: orphans come back to it) and reaps them."""
    for _ in range(1000):
        found, todo = [], _children_of(os.getpid())
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += _children_of(pid)
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            return
        if not found:
            os.waitpid(-1, 0)  # one still dying: wait for it


class _End(Exception):
    pass


def _end(*_args) -> None:
    raise _End


def supervise(child: int, init: int | None, keep_alive: int | None) -> None:
    """Waits until the learner's process `child` ends or the grader ends the sandbox (SIGTERM): then
    everything below goes, and this process ends the way `child` did (exit code, or the signal that
    killed it). The namespace's init lives as long as this process holds `keep_alive` open."""
    status = None
    too_many = False
    try:
        signal.signal(signal.SIGTERM, _end)
        while True:
            pid, got = os.waitpid(-1, 0)
            if pid == child:
                status = got
                break
            if pid == init:  # it ended the namespace, the learner's process with it
                too_many = os.waitstatus_to_exitcode(got) == SAW_TOO_MANY
                init = None
    except (_End, ChildProcessError):
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if init is not None:  # its end ends everything in the namespace; it says whether there were too many
        too_many = end_init(init, keep_alive) == SAW_TOO_MANY
    kill_descendants()
    if too_many:
        os._exit(TOO_MANY_PROCESSES)
    code = os.waitstatus_to_exitcode(status) if status is not None else 0
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code if code >= 0 else 128 - code)


def end_init(init: int, keep_alive: int | None) -> int | None:
    """Tells the namespace's init to end by closing `keep_alive` (it answers at once), reaps for up to
    a second, else kills it and reaps again; returns its exit code. Reaps this process's other
    children meanwhile: the learner's process lives in the namespace, and the kernel does not let an
    init be reaped before every process of its namespace has been."""
    if keep_alive is not None:
        os.close(keep_alive)
    for _ in range(2):
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return None
            if pid == init:
                return os.waitstatus_to_exitcode(status)
            if not pid:
                time.sleep(0.001)
        try:
            os.kill(init, signal.SIGKILL)  # it did not answer in time
        except OSError:
            return None
    return None
