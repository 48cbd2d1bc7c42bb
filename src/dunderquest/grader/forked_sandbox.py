"""A sandbox forked by the zygote, as the runner that asked for it sees it, and the channel they
talk over. This is the one place that says what a runner and the zygote tell each other.

The channel is one end of a Unix socket pair each. Every message is a wire frame (see wire.py)
with no blobs; file descriptors travel beside a frame (SCM_RIGHTS). The operations:

    zygote -> runner
      {"op": "run", "request": {...}}        a client's request; the next one only after "done". A
                                             runner whose channel closes while it waits exits.
    runner -> zygote
      {"op": "sandbox"}                      fork a sandbox, or hand over the spare one. Answer:
                                             {"pid", "home"} and two descriptors, one to read the
                                             sandbox's answers and one to write it requests.
      {"op": "forget", "pid": P}             the runner has killed sandbox P: reap it and remove its
                                             folder later, without making anyone wait. No answer.
      {"op": "wait", "pid": P, "timeout": S} answer {"code": C}: P's exit status (negative: the
                                             signal that killed it), or null if it still runs
                                             after S seconds (at most 5).
      {"op": "done", "reply": {...},         the answer for the client. No answer. The runner then
       "last": false}                        waits for the next "run", or exits if "last" is true.

Any other op is answered with {"error": ...}. A runner whose channel closes without "done" is
"gone": the zygote kills its sandboxes and tells the client, who may ask again. On the cold path
(one `dunderquest check`) there is no "run" and no "done": the checking process is the runner,
and its zygote child serves it until the channel closes.
"""

from __future__ import annotations

import os
import signal
import socket
import time

from . import wire
from .sandbox import OUTPUT_LIMIT, SandboxGone

ZYGOTE_GONE = ("The process that starts sandboxes for your code has stopped, so this check could not run. "
               "Your code may have stopped it, for example with os.kill() on its parent process.")


# -- the channel ----------------------------------------------------------------------------------


def send(sock: socket.socket, message: dict, fds: list[int] = ()) -> None:
    data = wire.frame_head(message)
    if fds:
        sent = socket.send_fds(sock, [data], list(fds))
        data = data[sent:]
    if data:
        sock.sendall(data)


def receive(sock: socket.socket) -> tuple[dict, list[int]]:
    """One message, and any file descriptors sent with it. Raises EOFError when the peer is gone,
    wire.WireError when what it sent is not a frame."""
    fds: list[int] = []

    def read(n: int) -> bytes:
        buffer = b""
        while len(buffer) < n:
            data, new_fds, _, _ = socket.recv_fds(sock, min(n - len(buffer), 1 << 20), 4)
            fds.extend(new_fds)
            if not data:
                for fd in fds:
                    os.close(fd)
                raise EOFError
            buffer += data
        return buffer

    header, _ = wire.read_frame_from(read)
    return header, fds


def wait_for(pid: int, timeout: float) -> int | None:
    """The exit status of a child (negative: killed by that signal), or None if still running."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.005)


# -- the runner's side ----------------------------------------------------------------------------


class ForkedSandbox:
    """A sandbox forked by the zygote, seen from a runner (implements sandbox.SandboxProcess)."""

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
        """Ends it at once (its supervisor kills every process below it, see protections.py); the
        zygote reaps it and removes its folder without making us wait."""
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


class SandboxMaker:
    """What `Sandbox` calls to start a sandbox: asks a zygote for one over `ctl`."""

    def __init__(self, ctl: socket.socket, zygote_pid: int | None = None):
        self.ctl, self.zygote_pid = ctl, zygote_pid

    def __call__(self) -> ForkedSandbox:
        return ForkedSandbox(self.ctl)

    def zygote_died(self) -> bool:
        """Whether our own zygote child died during the run (learner code can kill it)."""
        return self.zygote_pid is not None and wait_for(self.zygote_pid, 0) is not None
