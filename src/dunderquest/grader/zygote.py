"""The warm grader: a process that imports torch, torchvision and pytest once, freezes its heap, and
then forks. It forks a *runner* for each request (the trusted side: pytest, the checks, the reference
objects) and a *sandbox* whenever a runner needs one (the learner's code). The zygote itself never
builds a reference value or runs learner code, so a sandbox forked from it has no answers to find,
and each sandbox starts from the same clean state.

    python -I -B -m dunderquest.grader.zygote     # the service: JSON lines on stdin/stdout

Client requests (one JSON object per line): {"id": 1, "op": "grade", "level": "level3", "file": PATH}
and {"id": 2, "op": "preview", "level": ..., "file": ..., "start": 0}, {"op": "cancel", "id": 1}.
Each answer is one line: {"id": 1, "ok": true, "result": {...}} or {"id": 1, "ok": false, "error": ...}.
"""

from __future__ import annotations

import gc
import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import wire
from .reference import Mnist
from .sandbox import CHANNEL_BROKEN, SandboxGone, limit_resources

ZYGOTE_GONE = ("The process that starts sandboxes for your code has stopped, so this check could not run. "
               "Your code may have stopped it, for example with os.kill() on its parent process.")
SANDBOX_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "LANG": "C.UTF-8"}


def warm_imports() -> None:
    """Everything a runner or a sandbox needs, imported once, before any fork."""
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    os.environ.update(SANDBOX_ENV)
    import _pytest.python  # noqa: F401
    import pytest  # noqa: F401
    import torch
    import torch.utils.data  # noqa: F401
    import torchvision.datasets  # noqa: F401
    import torchvision.transforms  # noqa: F401

    from . import expect, preview, reference, runner, sandbox_server  # noqa: F401

    torch.set_num_threads(1)


# -- the ctl channel between a runner and the zygote ----------------------------------------------


def send(sock: socket.socket, message: dict, fds: list[int] = ()) -> None:
    body = json.dumps(message).encode()
    data = len(body).to_bytes(4, "big") + body
    if fds:
        sent = socket.send_fds(sock, [data], list(fds))
        data = data[sent:]
    if data:
        sock.sendall(data)


def receive(sock: socket.socket) -> tuple[dict, list[int]]:
    """One message, and any file descriptors sent with it. Raises EOFError when the peer is gone."""
    buffer, fds = b"", []
    while len(buffer) < 4 or len(buffer) < 4 + int.from_bytes(buffer[:4], "big"):
        want = 4 - len(buffer) if len(buffer) < 4 else 4 + int.from_bytes(buffer[:4], "big") - len(buffer)
        data, new_fds, _, _ = socket.recv_fds(sock, min(want, 1 << 20), 4)
        if not data:
            for fd in new_fds:
                os.close(fd)
            raise EOFError
        buffer += data
        fds += new_fds
    return json.loads(buffer[4:]), fds


class ForkedSandbox:
    """A sandbox forked by the zygote, seen from a runner (implements sandbox.SandboxProcess)."""

    def __init__(self, ctl: socket.socket):
        self.ctl = ctl
        try:
            send(ctl, {"op": "sandbox"})
            reply, fds = receive(ctl)
            self.pid, self.home = int(reply["pid"]), reply["home"]
            self.rfd, self.wfd = fds
        except (OSError, EOFError, ValueError, KeyError):
            raise SandboxGone(ZYGOTE_GONE) from None
        self.code: int | None = None

    def kill(self) -> None:
        """Kills it at once; the zygote reaps it and removes its folder without making us wait."""
        for fd in (self.rfd, self.wfd):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)
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
            except (OSError, EOFError, ValueError):
                return None
        return self.code

    def output_tail(self) -> str:
        path = os.path.join(self.home, "output.txt")
        try:
            with open(path, "rb") as f:
                f.seek(max(0, os.path.getsize(path) - 2000))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


# -- the zygote ----------------------------------------------------------------------------------


@dataclass
class Run:
    """A runner the zygote forked, and the sandboxes it asked for."""

    request_id: Any
    pid: int
    ctl: socket.socket
    sandboxes: dict[int, str] = field(default_factory=dict)  # pid -> home folder


def keep_memory_private() -> None:
    """Makes this process non-dumpable: another process of the same user (a sandbox) can then no
    longer read its memory through /proc/PID/mem or ptrace, where a runner's references live."""
    import ctypes

    PR_SET_DUMPABLE = 4
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def close_other_fds(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


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


class Zygote:
    def __init__(self, client_in: int | None = None, client_out: int | None = None):
        self.client_in, self.client_out = client_in, client_out
        self.runs: dict[int, Run] = {}  # ctl fd -> run
        self.pending = b""
        # In service mode one runner and one sandbox wait, forked ahead, so a request pays for no fork.
        self.spare_sandbox: tuple[int, int, int, str] | None = None
        self.spare_runner: tuple[int, socket.socket] | None = None
        self.dying: dict[int, str] = {}  # killed sandboxes not yet reaped: pid -> folder

    # sandboxes ----------------------------------------------------------------------------------

    def fork_sandbox(self, mnist_root: str | None = None) -> tuple[int, int, int, str]:
        """Forks a sandbox; returns (pid, fd to read its answers, fd to write requests, its folder).
        A spare is given the MNIST folder to read while it waits."""
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
        limit_resources()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        from .sandbox_server import Server

        Server(rfd, wfd, mnist_root).serve()

    def answer_runner(self, run: Run) -> str:
        """Handles one message from a runner: "more" to come, "done" (its reply was passed on to
        the client), or "gone" (it ended without a reply)."""
        try:
            message, fds = receive(run.ctl)
        except (EOFError, OSError, ValueError):
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
            self.reply({"id": run.request_id, **message.get("reply", {})})
            return "done"
        else:
            send(run.ctl, {"error": f"unknown op {op!r}"})
        return "more"

    @staticmethod
    def kill_sandbox(pid: int, home: str) -> None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        wait_for(pid, 5)
        shutil.rmtree(home, ignore_errors=True)

    def reap(self) -> None:
        for pid, home in list(self.dying.items()):
            if wait_for(pid, 0) is not None or not os.path.exists(f"/proc/{pid}"):
                shutil.rmtree(home, ignore_errors=True)
                del self.dying[pid]

    def finish(self, run: Run, cancelled: bool = False) -> None:
        for pid, home in run.sandboxes.items():
            self.kill_sandbox(pid, home)
        run.sandboxes.clear()
        if cancelled:
            try:
                os.kill(run.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        code = wait_for(run.pid, 10)
        if code is None:
            os.kill(run.pid, signal.SIGKILL)
            wait_for(run.pid, 5)
        self.runs.pop(run.ctl.fileno(), None)
        run.ctl.close()

    # runners ------------------------------------------------------------------------------------

    def fork_runner(self) -> tuple[int, socket.socket]:
        """Forks a runner that waits for its request on a ctl socket."""
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                parent.close()
                close_other_fds({child.fileno()})
                keep_memory_private()
                send(child, {"op": "done", "reply": serve_request(child)})
            except BaseException:
                code = 70
            finally:
                os._exit(code)
        child.close()
        return pid, parent

    def start_run(self, request: dict) -> None:
        pid, ctl = self.spare_runner or self.fork_runner()
        self.spare_runner = None
        try:
            send(ctl, {"op": "run", "request": request})
        except OSError:  # the spare died while it waited: use a fresh one
            ctl.close()
            wait_for(pid, 1)
            pid, ctl = self.fork_runner()
            send(ctl, {"op": "run", "request": request})
        self.runs[ctl.fileno()] = Run(request.get("id"), pid, ctl)

    def refill_spares(self) -> None:
        """Forks the next spare runner and sandbox, between runs rather than during one."""
        if self.spare_runner is None:
            self.spare_runner = self.fork_runner()
        if self.spare_sandbox is None:
            from ..core.data import current_source

            self.spare_sandbox = self.fork_sandbox(str(current_source().root))

    def close_spare_sandbox(self) -> None:
        if self.spare_sandbox is not None:
            pid, rfd, wfd, home = self.spare_sandbox
            os.close(rfd)
            os.close(wfd)
            self.kill_sandbox(pid, home)
            self.spare_sandbox = None

    def close_spares(self) -> None:
        self.close_spare_sandbox()
        if self.spare_runner is not None:
            pid, ctl = self.spare_runner
            ctl.close()  # it sees EOF and exits
            wait_for(pid, 5)
            self.spare_runner = None

    def reply(self, message: dict) -> None:
        if self.client_out is not None:
            wire._write_all(self.client_out, json.dumps(message).encode() + b"\n")

    def serve(self) -> None:
        """The service loop: client requests on `client_in`, runner messages on their ctl sockets."""
        while True:
            watched = [self.client_in, *self.runs] if self.client_in is not None else list(self.runs)
            ready, _, _ = select.select(watched, [], [], 0.05 if self.dying else None)
            self.reap()
            for fd in ready:
                if fd == self.client_in:
                    if not self.read_client():
                        for run in list(self.runs.values()):
                            self.finish(run, cancelled=True)
                        self.close_spares()
                        for pid, home in self.dying.items():
                            self.kill_sandbox(pid, home)
                        return
                elif fd in self.runs:
                    run = self.runs[fd]
                    state = self.answer_runner(run)
                    if state != "more":
                        self.finish(run)
                    if state == "gone":
                        self.reply({"id": run.request_id, "ok": False, "gone": True,
                                    "error": "the grader's runner stopped without an answer"})
                    if not self.runs:
                        self.refill_spares()

    def serve_one(self, ctl: socket.socket) -> None:
        """Runner-only mode: serve sandboxes to the one process on `ctl` until it goes away."""
        run = Run(None, -1, ctl)
        while self.answer_runner(run) == "more":
            self.reap()
        for pid, home in {**run.sandboxes, **self.dying}.items():
            self.kill_sandbox(pid, home)

    def read_client(self) -> bool:
        data = os.read(self.client_in, 1 << 16)
        if not data:
            return False
        self.pending += data
        while b"\n" in self.pending:
            line, self.pending = self.pending.split(b"\n", 1)
            try:
                request = json.loads(line)
            except ValueError:
                continue
            if request.get("op") == "cancel":
                for run in list(self.runs.values()):
                    if run.request_id == request.get("id"):
                        self.finish(run, cancelled=True)
                        self.reply({"id": run.request_id, "ok": False, "cancelled": True})
            elif request.get("op") == "ping":
                self.reply({"id": request.get("id"), "ok": True, "pid": os.getpid()})
            else:
                self.start_run(request)
        return True


class SandboxMaker:
    """What `Sandbox` calls to start a sandbox: asks a zygote for one over `ctl`."""

    def __init__(self, ctl: socket.socket, zygote_pid: int | None = None):
        self.ctl, self.zygote_pid = ctl, zygote_pid

    def __call__(self) -> ForkedSandbox:
        return ForkedSandbox(self.ctl)

    def zygote_died(self) -> bool:
        """Whether our own zygote child died during the run (learner code can kill it)."""
        return self.zygote_pid is not None and wait_for(self.zygote_pid, 0) is not None


def forked_sandboxes() -> SandboxMaker:
    """For one grading run in this process (the cold `dunderquest check`): import once, then fork a
    zygote child before any reference value exists, and get sandboxes from it."""
    remove_stale_homes()
    warm_imports()
    gc.freeze()  # no gc.collect() first: on a one-off run that costs more than it saves
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:
        try:
            parent.close()
            close_other_fds({child.fileno()})
            Zygote().serve_one(child)
        finally:
            os._exit(0)
    child.close()
    keep_memory_private()  # this process is the runner from here on
    return SandboxMaker(parent, pid)


def preloaded_mnist() -> Any:
    """The reference MNIST, read while the runner is still a spare (None if that fails: the run
    will then read it itself and report any problem)."""
    from ..core.data import current_source

    try:
        return Mnist(current_source()).preload()
    except Exception:
        return None


def serve_request(ctl: socket.socket) -> dict:
    """A spare runner's life: read MNIST and collect every level's checks while idle, then wait for
    the request on `ctl`, and answer it (grade or preview) with sandboxes from the zygote."""
    from ..core.catalog import default_catalog
    from ..core.data import current_source
    from .preview import preview
    from .runner import Assignment, grade_when_asked

    mnist = preloaded_mnist()
    asked: dict[str, Any] = {}

    def await_assignment() -> Assignment | None:
        try:
            request = asked["request"] = receive(ctl)[0]["request"]
        except (EOFError, OSError):
            os._exit(0)  # the zygote closed this spare without a request: nothing to do
        try:
            level = asked["level"] = default_catalog().get(request["level"])
            source = current_source()
            reference = mnist if mnist is not None and mnist.source == source else Mnist(source)
        except Exception as exc:  # a request we cannot serve: say so, in one line
            asked["error"] = f"{type(exc).__name__}: {exc}"
            return None
        if request.get("op") != "grade":
            return None
        seed = request.get("seed")
        return Assignment(level, Path(request["file"]), request.get("display") or level.exercise_path,
                          SandboxMaker(ctl), reference,
                          seed if seed is not None else int.from_bytes(os.urandom(4), "big"))

    try:
        plugin, began = grade_when_asked(list(default_catalog()), await_assignment)
        if "error" in asked:
            return {"ok": False, "error": asked["error"]}
        request = asked["request"]
        if request.get("op") == "preview":
            return {"ok": True, "preview": preview(asked["level"], request["file"], int(request.get("start", 0)),
                                                   source=current_source(), spawn=SandboxMaker(ctl))}
        return {"ok": True, "result": plugin.level_result(began).as_dict()}
    except Exception as exc:  # a bug of ours: say so, in one line
        traceback.print_exc(file=sys.stderr)
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def remove_stale_homes() -> None:
    """Sandbox folders left behind by a zygote that was killed (its pid is in the folder's name)."""
    for home in Path(tempfile.gettempdir()).glob("dunderquest-sandbox-*-*"):
        owner = home.name.split("-")[2]
        if owner.isdigit() and not os.path.exists(f"/proc/{owner}"):
            shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    remove_stale_homes()
    warm_imports()
    client_in = sys.stdin.fileno()
    client_out = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the protocol
    gc.collect()
    gc.freeze()  # forked children then skip the imported heap in every gc pass
    zygote = Zygote(client_in, client_out)
    zygote.refill_spares()
    zygote.reply({"id": None, "ok": True, "ready": True, "pid": os.getpid()})
    zygote.serve()


if __name__ == "__main__":
    main()
