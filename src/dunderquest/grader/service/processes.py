"""Sandbox processes as the trusted side holds them, and the sources they come from.

A `SandboxProcess` is one running sandbox: two descriptors to talk to it (see inside/server.py for
what it answers), a way to end it, and a way to ask how it ended. A *sandbox source* is anything that
starts one when called: the proxy (grader/proxy.py) calls its source again whenever a sandbox died
and the next check needs a fresh one.

- `ZygoteSandboxes`: asks a zygote (or a one-off check's own forked child) over a runner's channel;
  the sandbox is forked in milliseconds.
- `SpawnedSandboxes`: starts each sandbox as a fresh `python -I` process (where there is no fork(),
  or with DUNDERQUEST_SANDBOX_START=spawn); slower, as it imports torch itself, but the same
  protocol, shut in at the same point.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable

from .. import wire
from ..confinement.environment import sandbox_environment
from ..limits import OUTPUT_LIMIT
from ..messages import SandboxGone
from .channel import receive, send, wait_for

ZYGOTE_GONE = ("The process that starts sandboxes for your code has stopped, so this check could not run. "
               "Your code may have stopped it, for example with os.kill() on its parent process.")


class SandboxProcess(ABC):
    """One running sandbox. Its output (print(), tracebacks) goes to `output.txt` in its folder."""

    pid: int
    rfd: int  # we read the sandbox's answers here
    wfd: int  # and write our requests here
    home: str  # its folder

    @abstractmethod
    def kill(self) -> None:
        """Ends it, and everything it started."""

    @abstractmethod
    def wait(self, timeout: float) -> int | None:
        """Its exit status (negative: the signal that killed it), or None if it still runs."""

    def output_cut(self) -> bool:
        """Whether its output stopped at OUTPUT_LIMIT, past which it was dropped (without the cap and
        the file size limit, it grows past it and nothing was cut)."""
        try:
            return os.path.getsize(os.path.join(self.home, "output.txt")) == OUTPUT_LIMIT
        except OSError:
            return False

    def output_tail(self) -> str:
        path = os.path.join(self.home, "output.txt")
        try:
            with open(path, "rb") as f:
                f.seek(max(0, os.path.getsize(path) - 2000))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


SandboxSource = Callable[[], SandboxProcess]


class ForkedProcess(SandboxProcess):
    """A sandbox forked by a zygote for the runner on `ctl`; the zygote reaps it."""

    def __init__(self, ctl: socket.socket):
        self.ctl = ctl
        try:
            send(ctl, {"op": "sandbox"})
            reply, fds = receive(ctl)
            self.pid, self.home = int(reply["pid"]), reply["home"]
            self.rfd, self.wfd = fds
        except (OSError, EOFError, ValueError, KeyError, wire.WireError):
            raise SandboxGone(ZYGOTE_GONE) from None
        self.code: int | None = None

    def kill(self) -> None:
        """Ends it at once; the zygote then ends its namespace's init (or its supervisor kills every
        process below it), reaps it and removes its folder without making us wait."""
        for fd in (self.rfd, self.wfd):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            send(self.ctl, {"op": "forget", "pid": self.pid})
        except OSError:
            pass  # the zygote is gone; so is this sandbox

    def wait(self, timeout: float) -> int | None:
        if self.code is None:
            try:
                send(self.ctl, {"op": "wait", "pid": self.pid, "timeout": timeout})
                self.code = receive(self.ctl)[0].get("code")
            except (OSError, EOFError, ValueError, wire.WireError):
                return None
        return self.code


class ZygoteSandboxes:
    """A sandbox source: asks the zygote on `ctl` for each sandbox."""

    def __init__(self, ctl: socket.socket, zygote_pid: int | None = None):
        self.ctl, self.zygote_pid = ctl, zygote_pid

    def __call__(self) -> ForkedProcess:
        return ForkedProcess(self.ctl)

    def zygote_died(self) -> bool:
        """Whether our own zygote child died during the run (learner code can kill it)."""
        return self.zygote_pid is not None and wait_for(self.zygote_pid, 0) is not None


class SpawnedProcess(SandboxProcess):
    """A sandbox started as a fresh `python -I` process (see confinement/__main__.py)."""

    def __init__(self, data_roots: Iterable[str], hide: Iterable[str], off: set[str], env: dict[str, str]):
        self.home = tempfile.mkdtemp(prefix=f"dunderquest-sandbox-{os.getpid()}-")
        config = json.dumps({"home": self.home, "data": list(data_roots), "hide": list(hide), "off": sorted(off)})
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-B", "-m", "dunderquest.grader.confinement", config],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        except OSError as err:
            shutil.rmtree(self.home, ignore_errors=True)
            raise SandboxGone(f"Python could not be started for your code ({err.strerror}).") from None
        self.pid = self.process.pid
        self.rfd, self.wfd = self.process.stdout.fileno(), self.process.stdin.fileno()

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


class SpawnedSandboxes:
    """A sandbox source: a fresh `python -I` process for each sandbox, which may read the MNIST
    folders `data_roots`, never sees the folders in `hide`, and has the protections in `off` switched
    off. It starts with no environment but the few variables it needs (see `sandbox_environment`)."""

    def __init__(self, data_roots: Iterable[str], hide: Iterable[str], off: set[str]):
        self.data_roots, self.hide, self.off = list(data_roots), list(hide), set(off)

    def __call__(self) -> SpawnedProcess:
        return SpawnedProcess(self.data_roots, self.hide, self.off, sandbox_environment())
