"""The warm grader: a process that imports torch, torchvision and pytest once, freezes its heap, and
then forks. It forks a *runner* for each request (the trusted side: pytest, the checks, the reference
objects; see runners.py) and a *sandbox* whenever a runner needs one (the learner's code; see
forker.py). The zygote itself never builds a reference value or runs learner code, so a
sandbox forked from it has no answers to find, and each sandbox starts from the same clean state.

    python -I -B -m dunderquest.grader.service.zygote     # the service: JSON lines on stdin/stdout

It grades the levels of one course pack, which the process that starts it names (client.py, with
core/pack.py's `grader_environment`), and reads once as it starts.

Client requests (one JSON object per line): {"id": 1, "op": "grade", "level": "shapes", "file": PATH}
and {"id": 2, "op": "panel", "level": ..., "file": ..., "start": 0}, {"op": "cancel", "id": 1}.
Each answer is one line: {"id": 1, "ok": true, "result": {...}} or {"id": 1, "ok": false, "error": ...}.
What a runner and the zygote say to each other is in channel.py.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import socket
import sys
import threading

from ...core.pack import Pack, pack_of_grader_process
from .. import wire
from ..confinement.enter import close_other_fds
from ..confinement.system import keep_memory_private, name_process
from ..limits import CHANNEL_BROKEN
from .channel import send, wait_for
from .forker import (
    Run,
    SandboxForker,
    answer_key,
    back_heap_with_huge_pages,
    preload_mnist,
    remove_stale_homes,
    warm_imports,
)
from .runners import serve_requests

IDLE_RUNNERS = 2 * (os.cpu_count() or 1) + 2  # runners kept waiting once they have answered


class Zygote(SandboxForker):
    """The service. It reads the client's requests on `client_in` and hands each to a runner it
    forked; it answers the runners' messages (sandboxes, their ends, the runner's reply) on their
    channels; and it writes every reply to `client_out`, one JSON line each.

    A runner serves one request after another (see runner.serve_requests): one that has answered
    waits, idle, for the next, with MNIST read and every level's checks collected, so a request pays
    for no fork and no collecting. While no run is going on, at least one idle runner and one sandbox
    wait, forked ahead. A runner that died while it waited is replaced, not handed out."""

    def __init__(self, client_in: int, client_out: int, pack: Pack):
        super().__init__(answer_key(pack))
        self.pack = pack  # the pack whose levels it grades
        self.client_in, self.client_out = client_in, client_out
        self.runs: dict[int, Run] = {}  # ctl fd -> run
        self.pending = b""
        self.idle_runners: list[tuple[int, socket.socket]] = []  # waiting for a request, newest last

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
        """Forks a runner that waits for requests on a ctl socket (see runner.serve_requests)."""
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                parent.close()
                name_process("dq-runner")
                close_other_fds({child.fileno()})
                keep_memory_private()
                serve_requests(child, self.pack)
            except BaseException:
                code = CHANNEL_BROKEN
            finally:
                os._exit(code)
        child.close()
        return pid, parent

    def start_run(self, request: dict) -> None:
        # An idle runner if there is one (runs overlap while a class is graded: each ends as one
        # that answered becomes idle again), else a fresh one.
        while self.idle_runners:
            pid, ctl = self.idle_runners.pop()
            try:
                send(ctl, {"op": "run", "request": request})
            except OSError:  # it died while it waited: try the next one
                ctl.close()
                wait_for(pid, 1)
                continue
            break
        else:
            pid, ctl = self.fork_runner()
            send(ctl, {"op": "run", "request": request})
        self.runs[ctl.fileno()] = Run(request.get("id"), pid, ctl)

    def rest(self, run: Run, last: bool) -> None:
        """A runner has answered: its sandboxes go, and it waits for the next request, unless it said
        that was its last or enough runners already wait."""
        if last or len(self.idle_runners) >= IDLE_RUNNERS:
            self.finish(run, cancelled=not last)  # one that would wait for a next request is ended now
            return
        for pid, home in run.sandboxes.items():
            self.kill_sandbox(pid, home)
        self.runs.pop(run.ctl.fileno(), None)
        self.idle_runners.append((run.pid, run.ctl))

    def refill_spares(self) -> None:
        """Forks a runner and a sandbox ahead, if none waits, between runs rather than during one."""
        if not self.idle_runners:
            self.idle_runners.append(self.fork_runner())
        if self.spare_sandbox is None:
            from ...core.data import current_source

            self.spare_sandbox = self.fork_sandbox(str(current_source().root))

    def close_spares(self) -> None:
        self.close_spare_sandbox()
        for _, ctl in self.idle_runners:
            ctl.close()  # it sees EOF and exits
        for pid, _ in self.idle_runners:
            wait_for(pid, 5)
        self.idle_runners = []

    # the client ---------------------------------------------------------------------------------

    def reply(self, message: dict) -> None:
        wire.write_all(self.client_out, json.dumps(message).encode() + b"\n")

    def serve(self) -> None:
        """The service loop: client requests on `client_in`, runner messages on their ctl sockets."""
        while True:
            watched = [self.client_in, *self.runs]
            ready, _, _ = select.select(watched, [], [], 0.05 if self.dying else None)
            self.reap()
            for fd in ready:
                if fd == self.client_in:
                    if not self.read_client():
                        for run in list(self.runs.values()):
                            self.finish(run, cancelled=True)
                        self.close_spares()
                        self.end_all(self.dying)
                        return
                elif fd in self.runs:
                    run = self.runs[fd]
                    state = self.answer_runner(run)
                    if state == "progress":
                        self.reply({"id": run.request_id, "progress": run.progress})
                    elif state == "done":  # answered before the runner rests, which can take a while
                        self.reply({"id": run.request_id, **run.reply})
                        self.rest(run, run.last)
                    elif state == "gone":
                        self.finish(run)
                        self.reply({"id": run.request_id, "ok": False, "gone": True,
                                    "error": "the grader's runner stopped without an answer"})
                    if not self.runs:
                        self.refill_spares()

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


def main() -> None:
    name_process("dq-zygote")
    pack = pack_of_grader_process()
    remove_stale_homes()
    warm_imports()
    preload_mnist()
    client_in = sys.stdin.fileno()
    client_out = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the protocol
    # No gc.collect() first: the imports ran with the collector off (warm_imports), so it would find
    # nothing to free and only cost a quarter of a second before the first check.
    gc.freeze()  # forked children then skip the imported heap in every gc pass
    # Each fork then costs a third of the processor time. Moving the heap takes the kernel most of a
    # second: it does that beside the first runs, not before them.
    threading.Thread(target=back_heap_with_huge_pages, daemon=True).start()
    zygote = Zygote(client_in, client_out, pack)
    zygote.refill_spares()
    for _ in range(min(os.cpu_count() or 1, IDLE_RUNNERS) - 1):  # a class is graded a run per core
        zygote.idle_runners.append(zygote.fork_runner())
    zygote.reply({"id": None, "ok": True, "ready": True, "pid": os.getpid()})
    zygote.serve()


if __name__ == "__main__":
    main()
