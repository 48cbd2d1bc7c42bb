"""The warm grader, seen from the game, `watch` and bulk grading: a zygote process (see zygote.py)
that stays up, so that only the first run pays for importing torch. This module imports neither
torch nor pytest, so the game starts fast.

All methods are blocking and thread-safe: call them from a worker thread. `cancel()` makes the
running calls raise `Cancelled` at once.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

from ...core.catalog import Level
from ...core.finale import Event, event_from_json
from ...core.pack import Pack, builtin_pack, grader_environment
from ...core.panel_data import Panel
from ..confinement.environment import sandbox_environment
from ..result import STOPPED_BY_CODE, LevelResult

ATTEMPTS = 3  # times a request is asked, of a fresh zygote each time one died (see GraderClient._ask)


class Cancelled(Exception):
    pass


class GraderUnavailable(RuntimeError):
    pass


class GraderStopped(GraderUnavailable):
    """The grader's process died during the request, and again when it was asked once more."""


class GraderClient:
    """A handle on one zygote process (zygote.py) for the game, `watch` and bulk grading. The zygote
    is started on first use and kept warm.

    Requests go to the zygote's stdin as JSON lines, each with a fresh id; one reader thread reads
    the answers from its stdout and hands each to the caller waiting on that id. A caller blocks on
    its own event, so several requests (a check, an MNIST panel) can be in flight at once. When the
    zygote dies, the reader wakes every caller waiting on it with a "gone" answer, and `_ask`
    decides whether to ask a new zygote. The zygote grades `pack`'s levels (the built-in course by
    default), and starts with the variables of `env` (this process's environment by default) that
    the grader keeps: see confinement/enter.py."""

    def __init__(self, pack: Pack | None = None, env: dict[str, str] | None = None):
        self.pack = pack or builtin_pack()
        self.env = grader_environment(self.pack, env)
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()
        self.starting = threading.Lock()  # held while the process starts, which may take a moment
        # request id -> (set when answered, the answer once it came, the zygote it was sent to, and
        # what to call with each piece of progress before the answer)
        self.waiting: dict[int, tuple[threading.Event, list[dict], subprocess.Popen, Callable | None]] = {}
        self.ids = itertools.count(1)
        self.ready = threading.Event()
        self.cancel_until = 0.0
        # The processes whose answers ended (their reader saw the end): dead, whatever poll() says yet.
        self.silent: weakref.WeakSet = weakref.WeakSet()

    # the process ------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Starts the zygote in the background, if it is not running. Returns at once."""
        self._ensure()

    def _ensure(self) -> None:
        """Starts the process that answers, if it is not running, and a thread that reads it."""
        with self.starting:
            with self.lock:
                if self.process is not None and self.process.poll() is None and self.process not in self.silent:
                    return
                self.ready.clear()
            process = self._start()
            with self.lock:
                self.process = process
            threading.Thread(target=self._read, args=(process,), daemon=True).start()

    def _start(self) -> subprocess.Popen:
        """The process that answers the requests: a zygote of this client's own."""
        return subprocess.Popen([sys.executable, "-I", "-B", "-m", "dunderquest.grader.service.zygote"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=sandbox_environment(self.env), start_new_session=True)

    def _read(self, process: subprocess.Popen) -> None:
        try:
            self._read_answers(process)
        except (OSError, ValueError) as err:  # a connection that broke, or went silent (TimeoutError)
            self._unanswered(process, err)
        # This zygote is gone: wake everyone who waits on it (not those asking a newer one), and nobody
        # asks it again (see `_ask`, which looks under the same lock).
        with self.lock:
            self.silent.add(process)
            gone = [key for key, (_, _, asked, _) in self.waiting.items() if asked is process]
            waiters = [self.waiting.pop(key) for key in gone]
        for event, box, _, _ in waiters:
            box.append({"ok": False, "gone": True})
            event.set()

    def _read_answers(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("ready"):
                self.ready.set()
                continue
            if message.get("alive"):  # a lingering grader's heartbeat
                continue
            with self.lock:
                if "progress" in message:  # a piece of a longer answer (the finale's events)
                    waiter = self.waiting.get(message.get("id"))
                    if waiter is not None and waiter[3] is not None:
                        waiter[3](message["progress"])
                    continue
                waiter = self.waiting.pop(message.get("id"), None)
            if waiter is not None:
                waiter[1].append(message)
                waiter[0].set()

    def _unanswered(self, process: subprocess.Popen, err: Exception) -> None:
        """The answers stopped coming with `err`, not with the end of the stream."""

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None and self.process.poll() is None else None

    def close(self) -> None:
        with self.lock:
            process, self.process = self.process, None
        if process is not None and process.poll() is None:
            if not self.ready.is_set():  # still importing torch, which it would finish first: it holds nothing yet
                process.kill()
                process.wait()
                return
            process.stdin.close()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    # requests --------------------------------------------------------------------------------

    def _ask(self, request: dict, on_progress: Callable[[dict], None] | None = None,
             on_sent: Callable[[int], None] | None = None) -> dict:
        """Sends a request and waits for its answer, calling `on_progress` with each piece of
        progress that comes before it, and `on_sent` with the request's id once it is sent. If the
        zygote died, starts a new one and asks again: the learner never sees that. Twice at most
        while it runs (then the file is what stops it: GraderStopped), and one more time if a zygote
        died as it started (another fault: the first ended while it waited, idle, say)."""
        died_while_running = 0
        for _attempt in range(ATTEMPTS):
            self._ensure()
            event, box = threading.Event(), []
            with self.lock:
                if time.monotonic() < self.cancel_until:  # cancelled before it was even sent
                    self.cancel_until = 0.0
                    raise Cancelled
                process = self.process
                if process is None or process in self.silent:  # it ended since `_ensure` looked: ask anew
                    continue
                request_id = next(self.ids)
                self.waiting[request_id] = (event, box, process, on_progress)
            try:
                process.stdin.write(json.dumps({**request, "id": request_id}).encode() + b"\n")
                process.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                with self.lock:
                    self.waiting.pop(request_id, None)
                self._forget(process)
                continue
            if on_sent is not None:
                on_sent(request_id)
            event.wait()
            reply = box[0]
            if reply.get("cancelled"):
                raise Cancelled
            if reply.get("gone"):
                # The zygote died (the reader thread says so, with no "error"), or the runner it forked
                # for this request ended without an answer (the zygote says so, with an "error").
                # Either way ask again. A death counts against the file only if the zygote had
                # said it was ready: then the run, not the start-up, is what ended it, and two such
                # deaths in a row mean the learner's code stops the grader (GraderStopped below).
                died_while_running += self._died_while_running(process, reply)
                # Keep a zygote that is still alive and only lost its runner: the next try stays warm.
                if process.poll() is not None or not reply.get("error"):
                    self._forget(process)
                if died_while_running == 2:
                    break
                continue
            if reply.get("stopped"):  # a lingering grader's zygote said so (see lingering.py)
                raise GraderStopped(reply.get("error", "The grader process stopped during this run, twice."))
            if not reply.get("ok"):
                raise GraderUnavailable(reply.get("error", "the grader failed"))
            return reply
        if died_while_running == 2:
            raise GraderStopped("The grader process stopped during this run, twice in a row.")
        raise GraderUnavailable("The grader process could not start. Try `dunderquest check` to see why.")

    def _died_while_running(self, process: subprocess.Popen, reply: dict) -> bool:
        """Whether a "gone" answer counts against the file: only once the zygote said it was ready."""
        return self.ready.is_set()

    def _forget(self, process: subprocess.Popen) -> None:
        with self.lock:
            if self.process is process:
                self.process = None
        try:
            process.kill()
            process.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass

    def grade(self, level: Level, file: Path, *, seed: int | None = None, display: str | None = None,
              on_sent: Callable[[int], None] | None = None) -> LevelResult:
        """The level's checks run against `file`, which messages call `display` (the level's
        exercise path by default); `on_sent` is given the request's id, which `cancel` takes."""
        try:
            reply = self._ask({"op": "grade", "level": level.id, "file": str(Path(file).resolve()),
                               "display": display or level.exercise_path, "seed": seed}, on_sent=on_sent)
        except GraderStopped:
            # Twice in a row the grader died during this file's run: the file is what stops it.
            return LevelResult.not_run(level, STOPPED_BY_CODE)
        return LevelResult.from_json(reply["result"])

    def mnist_panel(self, level: Level, file: Path, start: int = 0) -> Panel:
        """The digits for the game's MNIST panel (see grader/panels.py)."""
        reply = self._ask({"op": "panel", "level": level.id, "file": str(Path(file).resolve()),
                           "start": start})
        return Panel.from_json(reply["panel"])

    def finale(self, files: dict[str, Path], seed: int = 0,
               on_event: Callable[[Event], None] | None = None) -> list[Event]:
        """The finale's events, run with these learner files (level id -> file): each handed to
        `on_event` as it happens, and all of them once it has ended."""
        reply = self._ask({"op": "finale", "files": {name: str(Path(path).resolve()) for name, path in files.items()},
                           "seed": seed},
                          on_progress=None if on_event is None else lambda raw: on_event(event_from_json(raw)))
        return [event_from_json(event) for event in reply["events"]]

    def cancel(self, ids: list[int] | None = None) -> None:
        """Stops the running requests `ids` (by default every one); each raises Cancelled. The zygote
        stays warm. A request on its way (asked for, not yet sent) within the next second is
        cancelled too, when every request is."""
        with self.lock:
            process = self.process
            pending = list(self.waiting) if ids is None else [i for i in ids if i in self.waiting]
            if not pending and ids is None:
                self.cancel_until = time.monotonic() + 1.0
        if process is None:
            return
        for request_id in pending:
            try:
                process.stdin.write(json.dumps({"op": "cancel", "id": request_id}).encode() + b"\n")
                process.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass
