"""Where a process becomes a sandbox: `shut_in` is the one point every sandbox passes, forked or
started as a fresh `python -I` process, before any learner code runs. It returns in the process that
will run the learner's code, after that process has been narrowed as far as this machine allows:

- its own PID namespace (inside a user namespace when not root), with a small init (init.py) below
  which all of the learner's processes live, so that the kernel kills every one of them when the
  sandbox ends; where namespaces are unavailable, the sandbox's first process is a child subreaper
  that kills every descendant instead (supervisor.py);
- its own network namespace (no interface but a loopback that is down) and Landlock's TCP rules;
- Landlock on the file system: it writes only its own folder and reads only what running the
  learner's code needs; Landlock's scopes keep its signals and abstract Unix sockets inside;
- rlimits on processes, memory, CPU time, file size and core dumps, and print() output past
  OUTPUT_LIMIT dropped, not fatal (rlimits.py);
- an empty environment, no descriptor but its channel to the grader, and no relative entry on
  sys.path, so nothing left beside the learner's file (a torch.py, say) can be imported by name.

Each protection can be switched off for a test with DUNDERQUEST_SANDBOX_OFF (see protections.py).
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Iterable

from ..limits import FOLDER_LIMIT
from . import landlock, namespaces, rlimits
from .environment import kept
from .protections import switched_off
from .supervisor import spawn_init, supervise
from .system import PR_SET_CHILD_SUBREAPER, PR_SET_DUMPABLE, PR_SET_PDEATHSIG, name_process, prctl

SANDBOX_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "LANG": "C.UTF-8"}
def close_other_fds(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def shut_in(rfd: int, wfd: int, home: str, reads: Iterable[tuple[str, int]], hide: Iterable[str],
            off: set[str], *, in_pid_namespace: bool = False) -> list[str]:
    """Makes this process a sandbox that talks to the grader on `rfd` and `wfd`, works in `home`, may
    read as `reads` says (landlock.read_rules), and never sees the folders in `hide` (the answer key).
    Returns, in the process that will run the learner's code, the protections applied; the first
    process stays behind as the supervisor and never returns. With `in_pid_namespace`, this process
    was started in a PID namespace of its own whose init the process that forked it holds (see
    `start_in_pid_namespace`): it is the learner's process itself, with no supervisor."""
    name_process("dq-sandbox")
    if hasattr(os, "setsid"):
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
    sys.path[:] = [p for p in sys.path if p and os.path.isabs(p)]
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    forget_the_environment()
    if in_pid_namespace:
        return enter_in_pid_namespace(home, reads, hide, off)
    return enter_sandbox(home, [rfd, wfd], reads, hide, off)


def serve(rfd: int, wfd: int, home: str, reads: Iterable[tuple[str, int]], hide: Iterable[str],
          off: set[str], *, in_pid_namespace: bool = False) -> None:
    """A sandbox's whole life: shut in, then the inside's loop until the grader closes the channel."""
    from ..inside.server import Server

    # from here on, learner code may run
    applied = shut_in(rfd, wfd, home, reads, hide, off, in_pid_namespace=in_pid_namespace)
    Server(rfd, wfd, applied).serve()


def forget_the_environment() -> None:
    """Wipes from this process's memory the variables of the environment it was started with that
    the grader does not keep (see environment.py). `os.environ` is replaced already, but
    /proc/self/environ still shows the strings the process was started with (for a forked sandbox,
    its zygote's or a one-off check's, tokens such as GITHUB_TOKEN included). Linux only."""
    import ctypes

    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        start, end = int(fields[47]), int(fields[48])  # env_start and env_end: fields 50 and 51 of stat
    except (OSError, ValueError, IndexError):
        return
    if not 0 < start < end:
        return
    offset = 0
    for entry in ctypes.string_at(start, end - start).split(b"\0"):
        if entry and not kept(entry.split(b"=", 1)[0].decode("utf-8", "replace")):
            ctypes.memset(start + offset, 0, len(entry))
        offset += len(entry) + 1


def start_in_pid_namespace(own_pid_namespace: int) -> tuple[int, int, int]:
    """Forks a sandbox's process as the second process of a new PID namespace, whose first is a small
    init (init.py) that this process holds by a pipe: closing `keep_alive` ends the init, and with it
    the namespace and every process in it. Returns (the child's pid, here 0 in the child, the init's
    pid, keep_alive); the child goes on to `shut_in(..., in_pid_namespace=True)`. Raises OSError where
    the kernel refuses a PID namespace to this process (only root may make one without a user
    namespace; other users' sandboxes start the supervised way, see `enter_sandbox`)."""
    namespaces.new_pid_namespace_for_children()
    try:
        init, keep_alive = spawn_init(())
    except BaseException:
        namespaces.back_to(own_pid_namespace)
        raise
    try:
        child = os.fork()
    except BaseException:
        os.close(keep_alive)  # the init ends at once
        os.waitpid(init, 0)
        namespaces.back_to(own_pid_namespace)
        raise
    if child:
        namespaces.back_to(own_pid_namespace)
    return child, init, keep_alive


def enter_in_pid_namespace(home: str, reads: Iterable[tuple[str, int]], hide: Iterable[str],
                           off: set[str]) -> list[str]:
    """`enter_sandbox` for a process started by `start_in_pid_namespace`: its own network, IPC and
    mount namespaces, and the rest, in this process, which runs the learner's code."""
    applied = ["pid namespace"]
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    flags = 0
    try:
        flags = namespaces.unshare(pid=False)
    except OSError:
        pass
    if flags & namespaces.CLONE_NEWNS:
        applied += namespaces.seal(home, FOLDER_LIMIT, hide)
        os.chdir(home)
    if flags & namespaces.CLONE_NEWNET:
        applied.append("network namespace")
    name_process("dq-learner")
    return applied + finish_limits(home, reads, off, True, bool(flags & namespaces.CLONE_NEWUSER))


def finish_limits(home: str, reads: Iterable[tuple[str, int]], off: set[str], in_pid_namespace: bool,
                  own_user_namespace: bool) -> list[str]:
    """The last of shutting in, in the learner's process: rlimits, the output cap and Landlock."""
    applied: list[str] = []
    if "rlimits" not in off:
        applied += rlimits.set_limits(in_pid_namespace, own_user_namespace)
    if "output-cap" not in off:
        applied += rlimits.cap_output()
    version = landlock.abi() if "landlock" not in off else 0
    if version:
        try:
            applied += landlock.restrict(home, reads, version)
        except OSError:
            pass
    return applied


def enter_sandbox(home: str, keep_fds: Iterable[int], reads: Iterable[tuple[str, int]] | None = None,
                  hide: Iterable[str] = (), off: set[str] | None = None) -> list[str]:
    """The operating system's part of `shut_in`, in the sandbox's first process with its folder
    (`home`) and the descriptors it talks to the grader through (`keep_fds`). Returns, in the process
    that runs the learner's code, the names of the protections applied; the first process stays
    behind as the supervisor (see supervisor.py) and never returns."""
    off = switched_off() if off is None else off
    keep_fds = list(keep_fds)
    applied: list[str] = []
    reads = landlock.read_rules() if reads is None else reads
    init = keep_alive = None
    flags = 0
    if hasattr(os, "fork"):
        if "namespaces" not in off:
            # A process may write its own uid_map only while /proc/self is its own, which a process
            # that is not dumpable loses. A sandbox holds nothing to keep from its own user.
            prctl(PR_SET_DUMPABLE, 1)
            try:
                flags = namespaces.unshare()
            except OSError:
                flags = 0
        if flags & namespaces.CLONE_NEWNS:
            applied += namespaces.seal(home, FOLDER_LIMIT, hide)
            os.chdir(home)  # into the tmpfs now over it
        if flags:
            try:
                init, keep_alive = spawn_init(keep_fds)
            except OSError:
                init = None
        if init is None:
            prctl(PR_SET_CHILD_SUBREAPER, 1)
        child = os.fork()
        if child:
            for fd in keep_fds:
                os.close(fd)
            supervise(child, init, keep_alive)
        if keep_alive is not None:
            os.close(keep_alive)  # the supervisor's alone: the init ends when the supervisor does
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        name_process("dq-learner")
        os.setsid()  # a kill(0, ...) of the learner's reaches only its own processes
        applied.append("pid namespace" if init is not None else "subreaper")
        if flags & namespaces.CLONE_NEWNET:
            applied.append("network namespace")
    return applied + finish_limits(home, reads, off, init is not None, bool(flags & namespaces.CLONE_NEWUSER))
