"""How a sandbox's supervisor ends it (confinement/supervisor.py: supervise and end_init), tried with
real namespaces and processes, without torch."""

from __future__ import annotations

import os
import time

import pytest

from dunderquest.grader.confinement import namespaces, supervisor, system
from dunderquest.grader.confinement.doctor import run_in_child


def in_a_supervisor(body) -> dict:
    """Runs `body()` in a forked child, as a sandbox's first process would; returns what it returned."""
    return run_in_child(lambda _fd: body())


def test_ending_a_sandbox_whose_learner_process_still_runs_gets_the_init_s_answer():
    """The init of a PID namespace cannot be reaped before every process in it has been, and the
    learner's process is the supervisor's child: ending the init must reap it too, not give up."""

    def body() -> dict:
        try:
            namespaces.unshare()
        except OSError as err:
            return {"skip": f"no namespaces here ({err.strerror})"}
        init, keep_alive = supervisor.spawn_init([])
        learner = os.fork()
        if learner == 0:
            os.close(keep_alive)
            time.sleep(60)
            os._exit(0)
        time.sleep(0.3)  # the init is up and waiting
        code = supervisor.end_init(init, keep_alive)
        try:
            left = os.waitpid(-1, os.WNOHANG)[0]
        except ChildProcessError:
            left = None
        return {"code": code, "left": left}

    answer = in_a_supervisor(body)
    if "skip" in answer:
        pytest.skip(answer["skip"])
    assert answer["code"] == 0, "the init answered SIGTERM with its exit code (not too many processes)"
    assert answer["left"] is None, "no child of the supervisor is left, the learner's process included"


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def test_when_the_supervisor_is_killed_its_init_ends_the_namespace_and_everything_in_it():
    """A supervisor killed with SIGKILL (by hand, or by the kernel when memory runs out) runs no more
    code: its init must still end, and the learner's processes with it."""

    def body() -> dict:
        system.prctl(system.PR_SET_CHILD_SUBREAPER, 1)  # the learner's process comes back here
        r, w = os.pipe()
        first = os.fork()
        if first == 0:
            try:
                namespaces.unshare()
            except OSError as err:
                os.write(w, f"skip no namespaces here ({err.strerror})".encode())
                os._exit(0)
            init, keep_alive = supervisor.spawn_init([r])
            learner = os.fork()
            if learner == 0:
                os.close(keep_alive)
                time.sleep(60)
                os._exit(0)
            os.write(w, f"{init} {learner}".encode())
            time.sleep(60)
            os._exit(0)
        os.close(w)
        said = os.read(r, 200).decode()
        if said.startswith("skip"):
            return {"skip": said[5:]}
        pids = [int(pid) for pid in said.split()]
        time.sleep(0.3)
        os.kill(first, 9)
        os.waitpid(first, 0)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(pid) for pid in pids):
            time.sleep(0.05)
            try:
                os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pass
        return {"alive": [pid for pid in pids if alive(pid)]}

    answer = in_a_supervisor(body)
    if "skip" in answer:
        pytest.skip(answer["skip"])
    assert answer["alive"] == [], "the init and the learner's process outlived their supervisor"

