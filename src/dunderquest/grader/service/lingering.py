"""The lingering grader: a warm grader that outlives the command that started it, so that only the
first `dunderquest check` in a while pays for importing torch, and the next ones take milliseconds.

    python -I -B -m dunderquest.background FOLDER NAME LINGER FINGERPRINT

(background.py starts it, with thin_client.py's `run_for`, so that it also runs the commands that
thin clients hand it.)

The first command that needs a grader (`check`, `grade` of one workspace, `finale`, the game,
`watch`) starts one in the background. It holds a zygote (a `GraderClient` of its own) and listens
on a Unix socket, FOLDER/NAME.sock, where FOLDER is a folder only its user can open
($XDG_RUNTIME_DIR/dunderquest, else dunderquest-UID in the temporary folder, checked to be that
user's and closed to everyone else), and both ends check that the other runs as the same user
(SO_PEERCRED). NAME stands for what a grader depends on: the user, the Python, and the environment
the grader keeps (the pack in use, the data folder). A lock file lets one grader serve each NAME.

It ends LINGER seconds after its last request, once no command is connected; `dunderquest stop`
ends it at once. A client that finds it serving other files (another dunderquest version, Python,
or changed level files: FINGERPRINT) makes it stop and starts a fresh one.

On the socket it speaks the zygote's language (zygote.py), JSON lines: a client sends
{"op": "hello", "fingerprint": F} first, then requests with ids of its own, which the grader passes
to its zygote; {"op": "status"} describes it, {"op": "stop"} ends it. A request's answer is the
zygote's, except that a file whose checks stopped the zygote twice in a row is answered
{"stopped": true} (see `GraderClient._ask`). When it is gone, a client falls back to a grader of its
own. This module imports neither torch nor pytest.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path

from ...core.pack import pack_of_grader_process
from .address import peer
from .client import Cancelled, GraderClient, GraderStopped, GraderUnavailable

HEARTBEAT = 2.0  # seconds between the lines that tell a connected command this grader is alive


class LingeringGrader:
    """The lingering grader's process: connections from this user's commands, their requests passed to
    one warm `GraderClient`."""

    def __init__(self, folder: Path, name: str, linger: float, fingerprint: str, commands=None):
        self.path = folder / f"{name}.sock"
        self.lock_path = folder / f"{name}.lock"
        self.linger, self.fingerprint = linger, fingerprint
        self.pack = pack_of_grader_process()  # named by the command that started it
        self.commands = commands  # runs a thin client's command here (thin_client.run_for)
        self.grader = GraderClient(self.pack)
        self.started = time.time()
        self.guard = threading.Lock()
        self.connections = 0
        self.running = 0
        self.requests = 0
        self.last_active = time.monotonic()
        self.stopping = threading.Event()  # `dunderquest stop`: ends at once
        self.retiring = threading.Event()  # a stale grader: lets a fresh one listen, ends with its connections
        self.listener: socket.socket | None = None

    # the lifetime ---------------------------------------------------------------------------------

    def serve(self) -> int:
        lock = open(self.lock_path, "a+")  # noqa: SIM115 - held for the grader's life
        if not self._take(lock):
            return 0  # another grader serves this name
        try:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()  # left by one that was killed: the lock says it is gone
            self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.listener.bind(str(self.path))
            os.chmod(self.path, 0o600)
            self.listener.listen(16)
            self.listener.settimeout(1.0)
            self.grader.warm_up()
            while not (self.stopping.is_set() or self.retiring.is_set() or self._idle_long_enough()):
                try:
                    sock, _ = self.listener.accept()
                except TimeoutError:
                    continue
                except OSError:
                    break
                with self.guard:  # counted before the next idle check, not when its thread starts
                    self.connections += 1
                threading.Thread(target=self._serve_connection, args=(sock,), daemon=True).start()
        finally:
            self._stop_listening(lock)
        while True:  # connections made before it stopped listening are served to their end
            with self.guard:
                if self.connections == 0 or self.stopping.is_set():
                    break
            time.sleep(0.1)
        self.grader.close()
        return 0

    @staticmethod
    def _take(lock) -> bool:
        import fcntl

        deadline = time.monotonic() + 5.0  # a stale grader that was asked to stop lets go soon
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)

    def _idle_long_enough(self) -> bool:
        with self.guard:
            return self.connections == 0 and self.running == 0 and \
                time.monotonic() - self.last_active > self.linger

    def _stop_listening(self, lock) -> None:
        """Frees the name for a fresh grader: the socket goes, then the lock."""
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()  # this grader's: it holds the lock
            self.listener.close()
        lock.close()

    # one connection ---------------------------------------------------------------------------------

    def _serve_connection(self, sock: socket.socket) -> None:
        write_lock = threading.Lock()
        asked: dict[int, int] = {}  # the client's request id -> the zygote's
        cancelled: set[int] = set()  # ids cancelled before they reached the zygote

        def send(message: dict) -> None:
            with write_lock, contextlib.suppress(OSError):
                sock.sendall(json.dumps(message).encode() + b"\n")

        lines = sock.makefile("rb")
        ended = threading.Event()
        said_hello = False  # a command, not `doctor` or `stop`: its end counts as activity
        try:
            if peer(sock)[1] != os.getuid():
                return
            hello = json.loads(lines.readline() or b"{}")
            if hello.get("op") == "hello":
                if hello.get("fingerprint") != self.fingerprint:
                    send({"stale": True})
                    self.retiring.set()
                    return
                send({"ok": True, "pid": os.getpid()})
                said_hello = True
                threading.Thread(target=self._say_ready, args=(send,), daemon=True).start()
                threading.Thread(target=self._beat, args=(send, ended), daemon=True).start()
            elif not self._answer_control(hello, send):
                return
            for line in lines:
                try:
                    request = json.loads(line)
                except ValueError:
                    continue
                op = request.get("op")
                if op == "cancel":
                    if (inner := asked.get(request.get("id"))) is not None:
                        self.grader.cancel([inner])
                    else:
                        cancelled.add(request.get("id"))
                elif op in ("grade", "panel", "finale"):
                    threading.Thread(target=self._run, args=(request, send, asked, cancelled), daemon=True).start()
                elif op == "command" and self.commands is not None:
                    threading.Thread(target=self._command, args=(request, send, asked), daemon=True).start()
                elif not self._answer_control(request, send):
                    return
        except (OSError, ValueError):
            pass
        finally:
            ended.set()
            if asked:
                self.grader.cancel(list(asked.values()))  # its command is gone: so are its runs
            for stream in (lines, sock):
                with contextlib.suppress(OSError):
                    stream.close()
            with self.guard:
                self.connections -= 1
                if said_hello:
                    self.last_active = time.monotonic()

    def _say_ready(self, send) -> None:
        while not self.stopping.is_set():
            if self.grader.ready.wait(0.5):
                send({"id": None, "ok": True, "ready": True, "pid": os.getpid()})
                return

    @staticmethod
    def _beat(send, ended: threading.Event) -> None:
        """Tells the command, every HEARTBEAT seconds, that this grader is alive, however long a run
        takes: a command that hears nothing for a while knows it hangs (see lingering_client.py)."""
        while not ended.wait(HEARTBEAT):
            send({"id": None, "alive": True})

    def _answer_control(self, request: dict, send) -> bool:
        """{"op": "status"} and {"op": "stop"}; False for anything else."""
        if request.get("op") == "status":
            with self.guard:
                send({"pid": os.getpid(), "started": self.started, "linger": self.linger,
                      "requests": self.requests, "running": self.running, "connections": self.connections,
                      "ready": self.grader.ready.is_set(), "python": sys.executable,
                      "pack": None if self.pack.builtin else str(self.pack.root)})
            return True
        if request.get("op") == "stop":
            send({"ok": True})
            self.stop()
            return True
        return False

    def _run(self, request: dict, send, asked: dict[int, int], cancelled: set[int]) -> None:
        client_id = request.pop("id", None)

        def sent(inner: int) -> None:
            asked[client_id] = inner
            if client_id in cancelled:
                self.grader.cancel([inner])
        with self.guard:
            self.running += 1
            self.requests += 1
        try:
            reply = self.grader._ask(request, on_progress=lambda part: send({"id": client_id, "progress": part}),
                                     on_sent=sent)
            answer = {k: v for k, v in reply.items() if k != "id"}
        except Cancelled:
            answer = {"ok": False, "cancelled": True}
        except GraderStopped as err:
            answer = {"ok": False, "stopped": True, "error": str(err)}
        except GraderUnavailable as err:
            answer = {"ok": False, "error": str(err)}
        except Exception as err:  # a fault of the grader's own: the command still gets an answer, not silence
            answer = {"ok": False, "error": f"the grader failed ({type(err).__name__}: {err})"}
        finally:
            asked.pop(client_id, None)
            cancelled.discard(client_id)
            with self.guard:
                self.running -= 1
                self.last_active = time.monotonic()
        send({**answer, "id": client_id})

    def _command(self, request: dict, send, asked: dict) -> None:
        """A command (`check`, `list`, `hint`, `lesson`, `grade` of one workspace), run here for a thin
        client: what it writes goes back as it is written, then its exit status; or {"fallback": true}
        when it must run in the client's own process. Its runs end when its client goes (see `asked`)."""

        def grade(level, file, seed, display=None):
            key = ("command", threading.get_ident())  # one per thread: `grade` runs levels side by side
            try:
                return self.grader.grade(level, file, seed=seed, display=display,
                                         on_sent=lambda inner: asked.__setitem__(key, inner))
            finally:
                asked.pop(key, None)

        with self.guard:
            self.running += 1
            self.requests += 1
        try:
            code = self.commands(request, send, self.grader, self.pack, grade)
        except Exception as err:  # a bug of ours: the client runs the command itself and says why
            code = None
            send({"err": f"(The background grader could not run this command: {type(err).__name__}: {err})\n"})
        finally:
            with self.guard:
                self.running -= 1
                self.last_active = time.monotonic()
        send({"fallback": True} if code is None else {"exit": code})

    def stop(self) -> None:
        self.stopping.set()
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
