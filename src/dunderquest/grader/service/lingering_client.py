"""The command's end of the lingering grader (see lingering.py): `LingeringClient` reaches this user's
lingering grader, or starts one, and speaks to it as `GraderClient` speaks to a zygote of its own.
`warm_grader()` is what a learner's command asks for. This module imports neither torch nor pytest.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from ...core.pack import Pack
from ..confinement.environment import sandbox_environment
from .address import identity, linger_seconds, peer, runtime_folder, supported
from .client import GraderClient, GraderUnavailable

START_TIMEOUT = 15.0  # for a new grader to listen
HELLO_TIMEOUT = 5.0  # for a grader to answer a command's first line
SILENCE = 30.0  # a grader that sends nothing this long (not even its heartbeat, every 2 s) hangs


class Connection:
    """A connection to a lingering grader, in the shape of the zygote's `Popen` that `GraderClient`
    holds: requests go to `stdin`, answers come from `stdout`."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.pid = peer(sock)[0]
        self.stdin = sock.makefile("wb")
        self.stdout = sock.makefile("rb")
        self.closed = False

    def ask(self, message: dict) -> dict:
        """One request and its answer, before the connection is handed to the reader thread."""
        self.stdin.write(json.dumps(message).encode() + b"\n")
        self.stdin.flush()
        line = self.stdout.readline()
        if not line:
            raise ConnectionError("the grader closed the connection")
        return json.loads(line)

    def poll(self) -> int | None:
        return 0 if self.closed else None

    def end_grader(self) -> None:
        """Kills the grader at the other end: one that hangs. It runs as this user (see `connect`),
        and its zygote ends with it."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        self.kill()

    def kill(self) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)  # wakes the reader thread
            for stream in (self.stdin, self.stdout, self.sock):
                with contextlib.suppress(OSError):
                    stream.close()

    def wait(self, timeout: float | None = None) -> int:
        return 0

    close = kill


def connect(path: Path, timeout: float = HELLO_TIMEOUT) -> socket.socket | None:
    """A connection to the grader listening at `path`, if one does and runs as this user."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(path))
        if peer(sock)[1] != os.getuid():
            raise PermissionError("the grader there runs as another user")
    except OSError:
        sock.close()
        return None
    return sock


class LingeringClient(GraderClient):
    """A `GraderClient` whose zygote is a lingering grader's: it connects to the one running for this
    user and environment, or starts one. When that cannot be done (no safe folder, a grader that does
    not start), it uses a zygote of its own if `fallback` is true, else raises `GraderUnavailable`.
    A lingering grader that dies during a request is not held against the learner's file: the request
    is asked once more, of a new one."""

    def __init__(self, pack: Pack | None = None, env: dict[str, str] | None = None, *, fallback: bool = True):
        super().__init__(pack, env)
        self.fallback = fallback
        self.linger = linger_seconds(self.env)
        folder = runtime_folder(self.env)
        self.folder = Path(folder) if folder else None
        self.name, self.fingerprint = identity(self.env)
        self.lingering = False  # whether the current process is a lingering grader's connection

    @property
    def socket_path(self) -> Path | None:
        return None if self.folder is None else self.folder / f"{self.name}.sock"

    def warm_up(self) -> None:
        """Reaches (or starts) the lingering grader in the background. Returns at once."""
        threading.Thread(target=self._warm_quietly, daemon=True).start()

    def _warm_quietly(self) -> None:
        with contextlib.suppress(GraderUnavailable):  # the request that follows says why
            self._ensure()

    def _start(self):
        connection = self._reach()
        self.lingering = connection is not None
        if connection is not None:
            return connection
        if not self.fallback:
            raise GraderUnavailable("the lingering grader could not be reached or started")
        return super()._start()

    def _reach(self) -> Connection | None:
        if self.socket_path is None or self.linger <= 0:
            return None
        for _ in range(2):  # the second time, after a stale grader stopped
            connection = self._hello() or self._launch()
            if connection is not None:
                return connection
        return None

    def _hello(self) -> Connection | None:
        sock = connect(self.socket_path)
        if sock is None:
            return None
        connection = Connection(sock)
        try:
            answer = connection.ask({"op": "hello", "fingerprint": self.fingerprint})
        except TimeoutError:  # it accepted the connection but does not answer: it hangs
            connection.end_grader()
            return None
        except (OSError, ValueError):
            connection.kill()
            return None
        if answer.get("stale"):  # it serves other files: it stops, and a fresh one starts
            connection.kill()
            return None
        sock.settimeout(SILENCE)
        return connection

    def _launch(self) -> Connection | None:
        try:
            process = subprocess.Popen(
                [sys.executable, "-I", "-B", "-m", "dunderquest.background", str(self.folder),
                 self.name, str(self.linger), self.fingerprint],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env=sandbox_environment(self.env), start_new_session=True, cwd="/",
            )
        except OSError:
            return None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            connection = self._hello()
            if connection is not None:
                return connection
            if process.poll() not in (None, 0):  # it failed (0: another one had started first)
                return None
            time.sleep(0.02)
        return None

    def _unanswered(self, process, err: Exception) -> None:
        if isinstance(err, TimeoutError) and isinstance(process, Connection):
            process.end_grader()  # the request is asked again, of a fresh grader

    def _died_while_running(self, process, reply: dict) -> bool:
        if self.lingering and process is not None and isinstance(process, Connection):
            return False
        return super()._died_while_running(process, reply)

    def close(self) -> None:
        with self.lock:
            process = self.process
            if isinstance(process, Connection):
                self.process = None
        if isinstance(process, Connection):
            process.kill()  # the grader lingers on; only this command's requests end
        else:
            super().close()


def warm_grader(pack: Pack, env: dict[str, str] | None = None, *, fallback: bool = True) -> GraderClient:
    """The grader of `pack`'s levels for a learner's command: the lingering one, or with
    DUNDERQUEST_LINGER=0 a zygote of the command's own."""
    if linger_seconds(os.environ if env is None else env) <= 0:
        return GraderClient(pack, env)
    return LingeringClient(pack, env, fallback=fallback)


def _ask_each(environ: dict[str, str] | None, *requests: dict) -> list[dict]:
    """Asks each of this user's lingering graders `requests` in turn; returns the first answer of each."""
    folder = runtime_folder(environ)
    answers = []
    for path in sorted(Path(folder).glob("*.sock")) if folder else []:
        sock = connect(path, timeout=2.0)
        if sock is None:
            continue
        with contextlib.closing(Connection(sock)) as connection, contextlib.suppress(OSError, ValueError):
            said = [connection.ask(request) for request in requests]
            answers.append(said[0])
    return answers


def running(environ: dict[str, str] | None = None) -> list[dict]:
    """What the lingering graders of this user say about themselves (`dunderquest doctor`)."""
    return _ask_each(environ, {"op": "status"})


def stop_all(environ: dict[str, str] | None = None) -> list[dict]:
    """Stops this user's lingering graders; returns what each said about itself."""
    return _ask_each(environ, {"op": "status"}, {"op": "stop"})


def describe_lingering() -> str:
    """A paragraph for `dunderquest doctor`: the background graders that run, or how one starts."""
    if not supported():
        return "Background grader: not on this system (it needs Linux's Unix-socket credentials); each check " \
               "starts its own."
    graders = running()
    if linger_seconds() <= 0:
        off = "DUNDERQUEST_LINGER=0: no grader stays in the background; each check starts its own."
        return off if not graders else f"{off} One still runs (pid {graders[0]['pid']}): dunderquest stop"
    if not graders:
        return (f"Background grader: not running. The next `dunderquest check` starts one, which stays "
                f"{linger_seconds():.0f} s after its last request (DUNDERQUEST_LINGER).")
    lines = []
    for grader in graders:
        minutes = (time.time() - grader["started"]) / 60
        lines.append(f"Background grader: running (pid {grader['pid']}, for {minutes:.0f} min, "
                     f"{grader['requests']} requests served, {grader['connections'] - 1} commands connected"
                     f"{', pack ' + grader['pack'] if grader.get('pack') else ''}). It ends "
                     f"{grader['linger']:.0f} s after its last request; `dunderquest stop` ends it now.")
    return "\n".join(lines)
