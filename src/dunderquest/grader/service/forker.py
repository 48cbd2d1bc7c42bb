"""Forking sandboxes from a warm process, for a runner that asks for them over its channel (see
channel.py for what they say). A `SandboxForker` has torch, torchvision and pytest imported and its
heap frozen, so a sandbox forked from it is ready in milliseconds; it never builds a reference value
or runs learner code, so a sandbox has no answers to find, and each sandbox starts from the same
clean state. Each forked child shuts itself in and serves (confinement/enter.py) before any learner
code runs.

The warm grader's zygote (zygote.py) is a SandboxForker that also forks the runners. A one-off
`dunderquest check` forks a SandboxForker child of its own before it builds any reference value,
and is itself the runner (processes.py, `one_off_sandboxes`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import signal
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...core.pack import Pack, builtin_pack
from .. import wire
from ..confinement import enter, landlock
from ..confinement.init import SAW_TOO_MANY
from ..confinement.protections import switched_off
from ..confinement.system import libc
from ..limits import CHANNEL_BROKEN, TOO_MANY_PROCESSES
from .channel import receive, send, wait_for


def warm_imports() -> None:
    """Everything a sandbox or the checks need, imported once, before any fork. (The service's
    zygote imports the runner and the MNIST panel too, by importing zygote.py.)"""
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    os.environ.update(enter.SANDBOX_ENV)
    collecting = gc.isenabled()
    gc.disable()  # importing makes millions of objects: the collections they set off cost about 0.8 s
    try:
        import _pytest.python  # noqa: F401
        import pytest  # noqa: F401
        import torch
        import torch.utils.data  # noqa: F401
        import torchvision.datasets  # noqa: F401
        import torchvision.transforms  # noqa: F401

        from .. import expect, reference  # noqa: F401
        from ..inside import server  # noqa: F401
    finally:
        if collecting:
            gc.enable()
    torch.set_num_threads(1)
    # Reads the processor's description (/proc/cpuinfo) now: a sandbox may not read it, and torch,
    # doing so at its first arithmetic there, would print an error as if the learner's code had.
    torch.backends.cpu.get_cpu_capability()


def preload_mnist() -> None:
    """MNIST read, and the first steps with it taken, before any sandbox is forked (see
    inside/mnist.py, `preload`)."""
    from ...core.data import current_source
    from ..inside.mnist import preload

    try:
        root = str(current_source().root)
    except Exception:
        return
    preload(root)


HUGE_PAGE = 2 * 1024 * 1024
MADV_HUGEPAGE, MADV_COLLAPSE = 14, 25


def back_heap_with_huge_pages() -> bool:
    """Moves this process's anonymous memory (Python's heap, a few hundred MB once torch, torchvision
    and pytest are imported) onto 2 MB pages. A fork copies one page-table entry per page, and its
    exit drops them again: with 4 kB pages that costs a forked runner or sandbox about 40 ms of
    processor time, with 2 MB pages about 13. A copy-on-write fault still copies only the 4 kB that
    was written. Needs Linux 6.1 (MADV_COLLAPSE); elsewhere nothing changes. Returns whether any
    memory moved."""
    import ctypes

    c = libc()
    try:
        c.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        with open("/proc/self/maps") as maps:
            regions = [line.split() for line in maps]
    except (OSError, AttributeError):
        return False
    moved = False
    for fields in regions:
        anonymous = len(fields) < 6 or fields[5] == "[heap]"
        if not fields[1].startswith("rw") or not anonymous:
            continue
        start, end = (int(address, 16) for address in fields[0].split("-"))
        start = -(-start // HUGE_PAGE) * HUGE_PAGE  # whole huge pages inside the region only
        end = end // HUGE_PAGE * HUGE_PAGE
        if end > start:
            c.madvise(start, end - start, MADV_HUGEPAGE)
            moved = c.madvise(start, end - start, MADV_COLLAPSE) == 0 or moved
    return moved


def data_roots(mnist_root: str | None) -> list[str]:
    """The MNIST folders a sandbox may read: the one it was given, and the data folder in use."""
    from ...core.data import data_dir

    roots = [str(data_dir())]
    if mnist_root:
        roots.append(mnist_root)
    return roots


def answer_key(pack: Pack) -> list[str]:
    """The folders a sandbox must never see: the levels' checks and the reference solutions of the
    built-in course and of `pack`, the pack it grades, wherever this install keeps them."""
    folders = {*builtin_pack().answer_key(), *pack.answer_key()}
    return sorted(os.path.realpath(folder) for folder in folders)


def sandbox_config(hide: list[str], mnist_root: str | None = None,
                   ) -> tuple[tuple[tuple[str, int], ...], list[str], set[str]]:
    """What every sandbox of this process is shut in with (see confinement/enter.py): what it may read
    (worked out once per process), the folders hidden from it, and the protections switched off."""
    return landlock.read_rules(tuple(data_roots(mnist_root)), tuple(hide)), hide, switched_off()


def remove_stale_homes() -> None:
    """Sandbox folders left behind by a zygote that was killed (its pid is in the folder's name)."""
    for home in Path(tempfile.gettempdir()).glob("dunderquest-sandbox-*-*"):
        owner = home.name.split("-")[2]
        if owner.isdigit() and not os.path.exists(f"/proc/{owner}"):
            shutil.rmtree(home, ignore_errors=True)


@dataclass
class Run:
    """A runner and the sandboxes it asked for. On the cold path the runner is the process that
    forked the SandboxForker, and it has no request id and no pid of its own here."""

    request_id: Any
    pid: int
    ctl: socket.socket
    sandboxes: dict[int, str] = field(default_factory=dict)  # pid -> home folder
    reply: dict = field(default_factory=dict)  # what it sent with "done", for the client
    progress: Any = None  # the last piece of progress it sent, for the client
    last: bool = False  # it said that answer was its last: it exits


class SandboxForker:
    """Forks sandboxes on request and answers a runner's messages on its channel. A killed sandbox
    is reaped later (`reap`), so that no run waits for a process with torch mapped to die.

    Where this process may make PID namespaces itself (as root), a sandbox is one forked process, the
    second of a PID namespace whose init this process starts and holds (enter.start_in_pid_namespace):
    ending the init ends the namespace. Elsewhere a sandbox's first process makes its namespaces and
    stays as its supervisor, and the learner's code runs in a second fork (enter.enter_sandbox)."""

    def __init__(self, hide: list[str]) -> None:
        self.hide = hide  # the folders its sandboxes never see (`answer_key`)
        # The zygote keeps one sandbox forked ahead while it is idle (see refill_spares there).
        self.spare_sandbox: tuple[int, int, int, str] | None = None
        self.dying: dict[int, str | None] = {}  # killed sandboxes (and their inits) not yet reaped: pid -> folder
        self.inits: dict[int, tuple[int, int]] = {}  # sandbox pid -> its namespace's init and the pipe that keeps it
        self.init_codes: dict[int, int] = {}  # sandbox pid -> how its init ended, once it has
        self.own_pid_namespace: int | None = None
        if os.geteuid() == 0 and "namespaces" not in switched_off() and os.path.exists("/proc/self/ns/pid"):
            self.own_pid_namespace = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)

    def fork_sandbox(self, mnist_root: str | None = None) -> tuple[int, int, int, str]:
        """Forks a sandbox; returns (pid, fd to read its answers, fd to write requests, its folder).
        A spare may also read the MNIST folder given (its data is in memory already, from the zygote)."""
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        home = tempfile.mkdtemp(prefix=f"dunderquest-sandbox-{os.getpid()}-")
        reads, hide, off = sandbox_config(self.hide, mnist_root)
        init = keep_alive = None
        if self.own_pid_namespace is not None:
            try:
                pid, init, keep_alive = enter.start_in_pid_namespace(self.own_pid_namespace)
            except OSError:  # refused here after all: every sandbox starts the supervised way
                os.close(self.own_pid_namespace)
                self.own_pid_namespace = None
        if init is None:
            pid = os.fork()
        if pid == 0:
            code = 0
            try:
                enter.serve(to_child_r, from_child_w, home, reads, hide, off, in_pid_namespace=init is not None)
            except BaseException:
                code = CHANNEL_BROKEN
            finally:
                os._exit(code)
        if init is not None:
            self.inits[pid] = (init, keep_alive)
        os.close(to_child_r)
        os.close(from_child_w)
        return pid, from_child_r, to_child_w, home

    def answer_runner(self, run: Run) -> str:
        """Handles one message from a runner: "more" to come, "progress" (a piece of a longer answer,
        in `run.progress`), "done" (its reply for the client is in `run.reply`), or "gone" (it ended
        without a reply)."""
        try:
            message, fds = receive(run.ctl)
        except (EOFError, OSError, ValueError, wire.WireError):
            return "gone"
        for fd in fds:
            os.close(fd)
        op = message.get("op")
        if op == "sandbox":
            if self.spare_sandbox is not None and wait_for(self.spare_sandbox[0], 0) is not None:
                self.close_spare_sandbox()  # it died while it waited
            pid, rfd, wfd, home = self.spare_sandbox or self.fork_sandbox()
            self.spare_sandbox = None
            run.sandboxes[pid] = home
            send(run.ctl, {"pid": pid, "home": home}, [rfd, wfd])
            os.close(rfd)
            os.close(wfd)
        elif op == "forget" and int(message.get("pid", -1)) in run.sandboxes:
            # A process with torch mapped takes a few ms to die: reap it later, not while a run waits.
            pid = int(message["pid"])
            self.let_die(pid, run.sandboxes.pop(pid))
        elif op == "wait" and int(message.get("pid", -1)) in run.sandboxes:
            send(run.ctl, {"code": self.sandbox_status(int(message["pid"]), min(float(message.get("timeout", 2)), 5))})
        elif op == "done":
            run.reply = message.get("reply", {})
            run.last = bool(message.get("last"))
            return "done"
        elif op == "progress":
            run.progress = message.get("event")
            return "progress"
        else:
            send(run.ctl, {"error": f"unknown op {op!r}"})
        return "more"

    def sandbox_status(self, pid: int, timeout: float) -> int | None:
        """How a sandbox's process ended (negative: the signal), or None if it still runs after
        `timeout` s. A sandbox whose namespace's init ended it for starting too many processes ended
        with TOO_MANY_PROCESSES, as a supervised one says itself."""
        code = wait_for(pid, timeout)
        if code == -signal.SIGKILL and pid in self.inits and pid not in self.init_codes:
            init_code = wait_for(self.inits[pid][0], 1)  # it ends right after it kills the namespace
            if init_code is not None:
                self.init_codes[pid] = init_code
        if code is not None and self.init_codes.get(pid) == SAW_TOO_MANY:
            return TOO_MANY_PROCESSES
        return code

    def end_namespace(self, pid: int) -> int | None:
        """For a sandbox started in a PID namespace of its own: ends its init, and with it every
        process in the namespace. Returns the init's pid, to reap (None when it is reaped already)."""
        init, keep_alive = self.inits.pop(pid, (None, None))
        if keep_alive is not None:
            os.close(keep_alive)
        self.init_codes.pop(pid, None)
        if init is not None and wait_for(init, 0) is None:
            return init
        return None

    def kill_sandbox(self, pid: int, home: str) -> None:
        """Ends a sandbox: its namespace's init, or its supervisor, kills every process in it (see
        confinement/supervisor.py)."""
        if pid in self.inits:
            init = self.end_namespace(pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            for child in (pid, init):
                if child is not None and wait_for(child, 5) is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(child, signal.SIGKILL)
                    wait_for(child, 5)
            shutil.rmtree(home, ignore_errors=True)
            return
        for sig, wait in ((signal.SIGTERM, 2), (signal.SIGKILL, 5)):
            try:
                os.killpg(pid, sig) if sig == signal.SIGKILL else os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            if wait_for(pid, wait) is not None:
                break
        shutil.rmtree(home, ignore_errors=True)

    def let_die(self, pid: int, home: str) -> None:
        """A sandbox the runner is done with: it is ended now and reaped later (`reap`)."""
        if pid in self.inits:
            init = self.end_namespace(pid)
            if init is not None:
                self.dying[init] = None
        self.dying[pid] = home

    def reap(self) -> None:
        for pid, home in list(self.dying.items()):
            if wait_for(pid, 0) is not None or not os.path.exists(f"/proc/{pid}"):
                if home:
                    shutil.rmtree(home, ignore_errors=True)
                del self.dying[pid]

    def close_spare_sandbox(self) -> None:
        if self.spare_sandbox is not None:
            pid, rfd, wfd, home = self.spare_sandbox
            os.close(rfd)
            os.close(wfd)
            self.kill_sandbox(pid, home)
            self.spare_sandbox = None

    def serve_one(self, ctl: socket.socket) -> None:
        """Runner-only mode: serve sandboxes to the one process on `ctl` until it goes away."""
        run = Run(None, -1, ctl)
        while self.answer_runner(run) == "more":
            self.reap()
        self.end_all({**run.sandboxes, **self.dying})

    def end_all(self, leftovers: dict[int, str | None]) -> None:
        """Ends these sandboxes and inits (the entries with no home), sandboxes first: a namespace's
        init ends only once every process in it is reaped, and this process is the sandbox's parent."""
        for pid, home in sorted(leftovers.items(), key=lambda item: item[1] is None):
            self.kill_sandbox(pid, home or "")
