"""The channel between a runner and the zygote that forks its sandboxes. This is the one place that
says what a runner and the zygote tell each other.

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
      {"op": "progress", "event": {...}}     a piece of a longer answer, passed on to the client at
                                             once (the finale's events, as they happen). No answer.
      {"op": "done", "reply": {...},         the answer for the client. No answer. The runner then
       "last": false}                        waits for the next "run", or exits if "last" is true.

Any other op is answered with {"error": ...}. A runner whose channel closes without "done" is
"gone": the zygote kills its sandboxes and tells the client, who may ask again. On the cold path
(one `dunderquest check`) there is no "run" and no "done": the checking process is the runner,
and its zygote child serves it until the channel closes.
"""

from __future__ import annotations

import os
import socket
import time

from .. import wire

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
