"""Forking sandboxes from a warm process, for a runner that asks for them over its channel (see
forked_sandbox.py for what they say). A `SandboxForker` has torch, torchvision and pytest imported
and its heap frozen, so a sandbox forked from it is ready in milliseconds; it never builds a
reference value or runs learner code, so a sandbox has no answers to find, and each sandbox starts
from the same clean state.

The warm grader's zygote (zygote.py) is a SandboxForker that also forks the runners. A one-off
`dunderquest check` (the cold path, `forked_sandboxes()`) forks a SandboxForker child of its own
before it builds any reference value, and is itself the runner.

Where there is no fork() (Windows), or when DUNDERQUEST_SANDBOX_START=spawn asks for it, each sandbox
is a fresh `python -I -m dunderquest.grader.sandbox_forker HOME` process instead (`SpawnedSandbox`):
slower, since it imports torch itself, but it speaks the same protocol on its stdin and stdout and is
shut in at the same point (`_become_sandbox`, then protections.enter_sandbox).
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import wire
from .forked_sandbox import ForkedSandbox, SandboxMaker, receive, send, wait_for
from .protections import enter_sandbox, name_process, switched_off
from .sandbox import CHANNEL_BROKEN, SandboxGone

START_VARIABLE = "DUNDERQUEST_SANDBOX_START"  # "spawn": fresh `python -I` sandboxes even where fork() exists

SANDBOX_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "LANG": "C.UTF-8"}


def warm_imports() -> None:
    """Everything a sandbox or the checks need, imported once, before any fork. (The service's
    zygote imports the runner and the preview too, by importing zygote.py.)"""
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    os.environ.update(SANDBOX_ENV)
    collecting = gc.isenabled()
    gc.disable()  # importing makes millions of objects: the collections they set off cost about 0.8 s
    try:
        import _pytest.python  # noqa: F401
        import pytest  # noqa: F401
        import torch
        import torch.utils.data  # noqa: F401
        import torchvision.datasets  # noqa: F401
        import torchvision.transforms  # noqa: F401

        from . import expect, reference, sandbox_server  # noqa: F401
    finally:
        if collecting:
            gc.enable()
    torch.set_num_threads(1)


def preload_mnist() -> None:
    """MNIST read, and the first steps with it taken, before any sandbox is forked (see
    sandbox_server.preload)."""
    from ..core.data import current_source
    from .sandbox_server import preload

    try:
        root = str(current_source().root)
    except Exception:
        return
    preload(root)


def keep_memory_private() -> None:
    """Makes this process non-dumpable: another process of the same user (a sandbox) can then no
    longer read its memory through /proc/PID/mem or ptrace, where a runner's references live."""
    import ctypes

    PR_SET_DUMPABLE = 4
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


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

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
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
            libc.madvise(start, end - start, MADV_HUGEPAGE)
            moved = libc.madvise(start, end - start, MADV_COLLAPSE) == 0 or moved
    return moved


def close_other_fds(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def data_roots(mnist_root: str | None) -> list[str]:
    """The MNIST folders a sandbox may read: the one it was given, and the data folder in use."""
    from ..core.data import data_dir

    roots = [str(data_dir())]
    if mnist_root:
        roots.append(mnist_root)
    return roots


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
    last: bool = False  # it said that answer was its last: it exits


class SandboxForker:
    """Forks sandboxes on request and answers a runner's messages on its channel. A killed sandbox
    is reaped later (`reap`), so that no run waits for a process with torch mapped to die."""

    def __init__(self) -> None:
        # The zygote keeps one sandbox forked ahead while it is idle (see refill_spares there).
        self.spare_sandbox: tuple[int, int, int, str] | None = None
        self.dying: dict[int, str] = {}  # killed sandboxes not yet reaped: pid -> folder

    def fork_sandbox(self, mnist_root: str | None = None) -> tuple[int, int, int, str]:
        """Forks a sandbox; returns (pid, fd to read its answers, fd to write requests, its folder).
        A spare may also read the MNIST folder given (its data is in memory already, from the zygote)."""
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        home = tempfile.mkdtemp(prefix=f"dunderquest-sandbox-{os.getpid()}-")
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                self._become_sandbox(to_child_r, from_child_w, home, mnist_root)
            except BaseException:
                code = CHANNEL_BROKEN
            finally:
                os._exit(code)
        os.close(to_child_r)
        os.close(from_child_w)
        return pid, from_child_r, to_child_w, home

    @staticmethod
    def _become_sandbox(rfd: int, wfd: int, home: str, mnist_root: str | None) -> None:
        off = switched_off()  # read before the environment is cleared
        reads = data_roots(mnist_root)  # so is the data folder, which DUNDERQUEST_DATA can move
        name_process("dq-sandbox")
        if hasattr(os, "setsid"):
            os.setsid()
        close_other_fds({rfd, wfd})
        output = os.open(os.path.join(home, "output.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(output)
        os.close(devnull)
        os.chdir(home)
        os.environ.clear()
        os.environ.update(SANDBOX_ENV, HOME=home, TMPDIR=home, PATH="/usr/bin:/bin")
        tempfile.tempdir = home
        # Nothing the learner leaves beside their file (a torch.py, say) can be imported by name.
        sys.path[:] = [p for p in sys.path if p and os.path.isabs(p)]
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        enter_sandbox(home, [rfd, wfd], reads, off)  # from here on, learner code may run
        from .sandbox_server import Server

        Server(rfd, wfd).serve()

    def answer_runner(self, run: Run) -> str:
        """Handles one message from a runner: "more" to come, "done" (its reply for the client is in
        `run.reply`), or "gone" (it ended without a reply)."""
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
            self.dying[pid] = run.sandboxes.pop(pid)
        elif op == "wait" and int(message.get("pid", -1)) in run.sandboxes:
            send(run.ctl, {"code": wait_for(int(message["pid"]), min(float(message.get("timeout", 2)), 5))})
        elif op == "done":
            run.reply = message.get("reply", {})
            run.last = bool(message.get("last"))
            return "done"
        else:
            send(run.ctl, {"error": f"unknown op {op!r}"})
        return "more"

    @staticmethod
    def kill_sandbox(pid: int, home: str) -> None:
        """Ends a sandbox: its supervisor kills every process below it (see protections.supervise)."""
        for sig, wait in ((signal.SIGTERM, 2), (signal.SIGKILL, 5)):
            try:
                os.killpg(pid, sig) if sig == signal.SIGKILL else os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            if wait_for(pid, wait) is not None:
                break
        shutil.rmtree(home, ignore_errors=True)

    def reap(self) -> None:
        for pid, home in list(self.dying.items()):
            if wait_for(pid, 0) is not None or not os.path.exists(f"/proc/{pid}"):
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
        for pid, home in {**run.sandboxes, **self.dying}.items():
            self.kill_sandbox(pid, home)


class SpawnedSandbox(ForkedSandbox):
    """A sandbox started as a fresh `python -I` process (implements sandbox.SandboxProcess)."""

    def __init__(self) -> None:
        self.home = tempfile.mkdtemp(prefix=f"dunderquest-sandbox-{os.getpid()}-")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-B", "-m", "dunderquest.grader.sandbox_forker", self.home],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as err:
            shutil.rmtree(self.home, ignore_errors=True)
            raise SandboxGone(f"Python could not be started for your code ({err.strerror}).") from None
        self.pid = self.process.pid
        self.rfd, self.wfd = self.process.stdout.fileno(), self.process.stdin.fileno()
        self.code: int | None = None

    def kill(self) -> None:
        try:
            self.process.terminate()  # its supervisor then kills every process below it
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        except OSError:
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self.home, ignore_errors=True)

    def wait(self, timeout: float) -> int | None:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None


def spawned_sandbox_main() -> None:
    """A sandbox's life in a fresh process: requests on stdin, answers on stdout, folder in argv."""
    rfd, wfd = os.dup(0), os.dup(1)
    code = 0
    try:
        warm_imports()  # torch maps a few GB of libraries: before the memory limit, as in a zygote
        SandboxForker._become_sandbox(rfd, wfd, sys.argv[1], None)
    except BaseException:
        code = CHANNEL_BROKEN
    finally:
        os._exit(code)


def forked_sandboxes() -> Any:
    """For one grading run in this process (the cold `dunderquest check`): import once, then fork a
    zygote child before any reference value exists, and get sandboxes from it. Without fork() (or
    when DUNDERQUEST_SANDBOX_START=spawn), each sandbox is a fresh `python -I` process instead."""
    if not hasattr(os, "fork") or os.environ.get(START_VARIABLE) == "spawn":
        return SpawnedSandbox
    remove_stale_homes()
    warm_imports()
    gc.freeze()  # no gc.collect() first: on a one-off run that costs more than it saves
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:
        try:
            parent.close()
            close_other_fds({child.fileno()})
            SandboxForker().serve_one(child)
        finally:
            os._exit(0)
    child.close()
    keep_memory_private()  # this process is the runner from here on
    return SandboxMaker(parent, pid)


if __name__ == "__main__":
    spawned_sandbox_main()
