"""Where the learner's code is, shortly before a request's deadline: the note a sandbox sends so that
the trusted side can name the line it stopped."""

from __future__ import annotations

import signal
import sys
import threading
import time
from typing import Any

from .. import wire


class Watch:
    """Says where the learner's code is when a request runs close to its deadline: shortly before it,
    sends {"where": {line, function, source}} ahead of the answer, so that the trusted side can name
    the line the code was on if it has to stop it.

    Where it can, a timer signal (SIGALRM, handled in the thread that runs the learner's code) takes
    the note, so that the sandbox runs no thread of its own: in a PID namespace a thread's id is a pid
    like any other, and code that signals every pid but its own would end its own process through it.
    Elsewhere (no setitimer, or not the main thread) a thread takes it."""

    def __init__(self, server: Any):  # server.Server, which holds the learner's objects
        self.server, self.main = server, threading.get_ident()
        self.request = 0
        self.armed = False
        self.by_signal = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        if self.by_signal:
            signal.signal(signal.SIGALRM, self.ring)
            signal.siginterrupt(signal.SIGALRM, False)  # a system call it lands in goes on (SA_RESTART)
            return
        self.changed = threading.Condition()
        self.deadline: float | None = None
        threading.Thread(target=self.run, daemon=True, name="dunderquest-watch").start()

    @staticmethod
    def lead(timeout: Any) -> float | None:
        """How long after a request starts the note is taken, for a request with this time limit."""
        if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0:
            return max(timeout - 0.3, timeout * 0.8)
        return None

    def start(self, timeout: Any, request: int) -> None:
        lead = self.lead(timeout)
        if self.by_signal:
            self.request, self.armed = request, lead is not None
            signal.setitimer(signal.ITIMER_REAL, lead or 0)
            return
        with self.changed:
            self.deadline = None if lead is None else time.monotonic() + lead
            self.request = request
            self.changed.notify()

    def stop(self) -> None:
        if self.by_signal:
            self.armed = False  # first: a signal already on its way does nothing now
            signal.setitimer(signal.ITIMER_REAL, 0)
            return
        with self.changed:
            self.deadline = None
            self.changed.notify()

    def ring(self, signum: int, frame: Any) -> None:
        """The timer signal's handler, run between two steps of the learner's code."""
        if self.armed:
            self.armed = False
            self.send(self.server.where_now(frame), self.request)

    def run(self) -> None:
        while True:
            with self.changed:
                while self.deadline is None or time.monotonic() < self.deadline:
                    self.changed.wait(None if self.deadline is None else self.deadline - time.monotonic())
                self.deadline = None
                where = self.server.where_now(sys._current_frames().get(self.main))
                request = self.request
            self.send(where, request)

    def send(self, where: dict | None, request: int) -> None:
        if where is not None and self.server.writing.acquire(blocking=False):
            try:
                wire.write_frame(self.server.wfd, {"where": where, "request": request})
            finally:
                self.server.writing.release()
