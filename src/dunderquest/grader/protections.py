"""What the operating system does to hold a sandbox in, decided and applied in this one module.

`enter_sandbox()` is the one point where a sandbox starts: every sandbox, forked or started as a fresh
`python -I` process, calls it before any learner code runs. It returns in the process that will run
the learner's code, after that process has been narrowed as far as this machine allows:

- its own PID namespace (inside a user namespace when not root), with a small init below which all
  of the learner's processes live, so that the kernel kills every one of them when the sandbox ends;
  where namespaces are unavailable, the sandbox's first process is a child subreaper that kills every
  descendant instead;
- its own network namespace (no interface but a loopback that is down) and Landlock's TCP rules;
- Landlock on the file system: it writes only its own folder and reads only what Python, torch and
  the MNIST data need (so not another student's submission, the gradebook or a workspace's
  progress), after PR_SET_NO_NEW_PRIVS; Landlock's scopes keep its signals and abstract Unix
  sockets inside the sandbox;
- rlimits on processes, memory, CPU time, file size and core dumps, each turned into a plain message
  by sandbox.py; print() output past OUTPUT_LIMIT is dropped, not fatal.

`in_force()` says which of these a sandbox started by this process gets (`dunderquest doctor`,
`grade --format json`); it finds out by trying them in a throwaway child. Each protection can be
switched off for a test with DUNDERQUEST_SANDBOX_OFF=name,name (see OFF_SWITCHES), and then is
reported as off. Trusted side; imports neither torch nor pytest.
"""

from __future__ import annotations

import ctypes
import errno
import io
import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .sandbox import CPU_LIMIT, DEFAULT_TIMEOUT, MEMORY_LIMIT, OUTPUT_LIMIT, PROCESS_LIMIT, TOO_MANY_PROCESSES

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

OFF_VARIABLE = "DUNDERQUEST_SANDBOX_OFF"
OFF_SWITCHES = ("namespaces", "landlock", "rlimits", "output-cap")
LINUX = sys.platform.startswith("linux")

CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x10000000, 0x20000000, 0x40000000
PR_SET_PDEATHSIG, PR_SET_NAME, PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 1, 15, 38, 36
PID_MAX_FLOOR = 301  # the kernel refuses a smaller pid_max, even in a PID namespace of one's own

# Landlock (linux/landlock.h); the system call numbers are the same on every architecture since 5.13.
SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_ABI1 = (1 << 13) - 1  # execute .. make_sym: everything a first-version kernel knows
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV  # all a file rule may hold

# The tiny init of a sandbox's PID namespace. It reaps orphans, and ends the namespace with exit code 3
# once more than argv[1] processes and threads were started in it: the process limit that holds root
# too, whom RLIMIT_NPROC does not hold. It also ends once the pipe on descriptor argv[2] closes, which
# happens when the supervisor closes its end to end the sandbox, or dies, however it dies; it then
# exits with 3 if that many were started, else 0, so the supervisor can say why a sandbox died. Only
# built-in modules: it starts in about 11 ms of processor time. Nothing in the namespace can signal
# it (it handles no signal), and only SIGKILL and SIGSTOP reach it from outside.
INIT = """
import os, select, sys
limit, ending = int(sys.argv[1]), int(sys.argv[2])

def too_many():
    try:
        with open("/proc/sys/kernel/ns_last_pid") as f:
            return int(f.read()) > limit
    except (OSError, ValueError):
        return False

while True:
    told = select.select([ending], [], [], 0.05)[0]
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
    if told:
        os._exit(3 if too_many() else 0)
    if too_many():
        os.kill(-1, 9)
        os._exit(3)
"""
INIT_SAW_TOO_MANY = 3


@dataclass(frozen=True)
class Protection:
    name: str
    in_force: bool
    detail: str  # what it guards, or why it is missing

    def as_dict(self) -> dict:
        return asdict(self)


def switched_off(environ: dict | None = None) -> set[str]:
    """The protections a test turned off with DUNDERQUEST_SANDBOX_OFF (see OFF_SWITCHES)."""
    value = (os.environ if environ is None else environ).get(OFF_VARIABLE, "")
    return {name.strip() for name in value.split(",") if name.strip()}


# -- the system calls -------------------------------------------------------------------------------


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _check(result: int) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The Landlock ABI version this kernel offers (0: none)."""
    libc = _libc()
    if not LINUX or libc is None or os.uname().machine not in ("x86_64", "aarch64", "riscv64", "armv7l",
                                                                "ppc64le", "s390x", "loongarch64"):
        return 0
    version = libc.syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    return max(int(version), 0)


def _fs_rights(abi: int) -> int:
    rights = FS_ABI1
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def readable_roots(data_roots: Iterable[str] = ()) -> list[str]:
    """What a sandbox may read: Python and its packages (torch, torchvision, dunderquest), the shared
    libraries they load, and the MNIST data. Nothing under a home folder or a workspace, unless a
    package is installed there."""
    roots = ["/usr", "/lib", "/lib64", "/lib32", "/etc/ld.so.cache", "/etc/localtime", "/dev/urandom",
             sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    roots += [p for p in sys.path if p and os.path.isabs(p)]
    roots.append(str(Path(__file__).resolve().parents[1]))  # dunderquest itself, installed editable or not
    roots += [str(r) for r in data_roots]
    return sorted({os.path.realpath(r) for r in roots if os.path.exists(r)})


def landlock(home: str, reads: Iterable[str], abi: int) -> list[str]:
    """Restricts this process (and all it starts) to writing `home` and reading `reads`, with no TCP
    and no signals or abstract sockets outside. Returns what it restricted."""
    libc = _libc()
    fs = _fs_rights(abi)
    attr = _RulesetAttr(fs, NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0,
                        SCOPE_SIGNAL | SCOPE_ABSTRACT_UNIX_SOCKET if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset = _check(libc.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                                  ctypes.c_uint32(0)))
    try:
        rules = [(home, fs)] + [(path, FS_READ_FILE | FS_READ_DIR | FS_EXECUTE) for path in reads]
        rules.append((os.devnull, FS_READ_FILE | FS_WRITE_FILE))
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not os.path.isdir(path):
                    rights &= FILE_RIGHTS
                rule = _PathBeneath(rights & fs, fd)
                _check(libc.syscall(SYS_ADD_RULE, ruleset, ctypes.c_int(RULE_PATH_BENEATH), ctypes.byref(rule),
                                    ctypes.c_uint32(0)))
            finally:
                os.close(fd)
        _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        _check(libc.syscall(SYS_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)))
    finally:
        os.close(ruleset)
    done = ["landlock filesystem"]
    if abi >= 4:
        done.append("landlock network")
    if abi >= 6:
        done.append("landlock signal scope")
    return done


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def unshare_namespaces() -> int:
    """A new PID, network and IPC namespace for this process's next children (in a new user namespace,
    mapping this user to itself, when not root). Raises OSError where the kernel refuses."""
    libc = _libc()
    if not LINUX or libc is None:
        raise OSError(errno.ENOSYS, "no namespaces on this system")
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
    if uid != 0:
        flags |= CLONE_NEWUSER
    _check(libc.unshare(flags))
    if uid != 0:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    return flags


def _prctl(option: int, value: int) -> bool:
    libc = _libc()
    return LINUX and libc is not None and libc.prctl(option, value, 0, 0, 0) == 0


def name_process(name: str) -> None:
    """Names this process as `ps` and `top` show it (at most 15 characters): dq-zygote, dq-runner,
    dq-sandbox (a sandbox's supervisor), dq-learner (the process that runs the learner's code)."""
    libc = _libc()
    if LINUX and libc is not None:
        libc.prctl(PR_SET_NAME, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)


# -- limits -----------------------------------------------------------------------------------------


def address_space_now() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def set_limits(in_own_pid_namespace: bool, own_user_namespace: bool) -> list[str]:
    """rlimits for this process, before the learner's code runs. Returns which were set."""
    if resource is None:
        return []
    done = []

    def limit(which: int, value: int, hard: int | None = None) -> bool:
        soft_now, hard_now = resource.getrlimit(which)
        hard = value if hard is None else hard
        if hard_now != resource.RLIM_INFINITY:
            hard = min(hard, hard_now)
        try:
            resource.setrlimit(which, (min(value, hard), hard))
            return True
        except (ValueError, OSError):
            return False

    if limit(resource.RLIMIT_FSIZE, OUTPUT_LIMIT):
        done.append("rlimit file size")
    limit(resource.RLIMIT_CORE, 0)
    if limit(resource.RLIMIT_CPU, CPU_LIMIT, CPU_LIMIT + 5):
        done.append("rlimit cpu time")
    # The learner's code may use MEMORY_LIMIT more than the sandbox holds when it starts (torch alone
    # maps a few GB of address space).
    if limit(resource.RLIMIT_AS, address_space_now() + MEMORY_LIMIT):
        done.append("rlimit memory")
    # Processes: RLIMIT_NPROC counts per user and user namespace, and is not enforced for root; in a
    # PID namespace of its own, pid_max caps any user.
    processes = False
    if in_own_pid_namespace:
        try:
            _write("/proc/sys/kernel/pid_max", str(PID_MAX_FLOOR))
            processes = True
        except OSError:
            pass
    # A little above the init's count, so that it is the init that ends a fork bomb and says so.
    if own_user_namespace and limit(resource.RLIMIT_NPROC, PROCESS_LIMIT + 16):
        processes = True
    elif not processes and os.geteuid() != 0:  # the count is the user's, across the machine
        processes = limit(resource.RLIMIT_NPROC, processes_of(os.getuid()) + PROCESS_LIMIT)
    if processes:
        done.append("rlimit processes")
    return done


def processes_of(uid: int) -> int:
    """How many processes (threads count, as RLIMIT_NPROC counts them) `uid` runs now."""
    count = 0
    try:
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    if os.stat(f"/proc/{name}").st_uid == uid:
                        count += len(os.listdir(f"/proc/{name}/task"))
                except OSError:
                    pass
    except OSError:
        return 10_000
    return count


class CappedOutput(io.RawIOBase):
    """Where print() writes in a sandbox: the output file, until it holds OUTPUT_LIMIT bytes; past
    that, output is dropped, so a chatty but correct class still passes (sandbox.py says it was cut)."""

    def __init__(self, fd: int):
        self.fd = fd

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        size = len(data)
        try:
            room = OUTPUT_LIMIT - os.lseek(self.fd, 0, os.SEEK_END)
            if room > 0:
                os.write(self.fd, bytes(data[:room]))
        except OSError:
            pass
        return size


def cap_output() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past RLIMIT_FSIZE fails; it no longer kills
    for name, fd in (("stdout", 1), ("stderr", 2)):
        stream = io.TextIOWrapper(io.BufferedWriter(CappedOutput(fd), 1 << 16), encoding="utf-8",
                                  errors="backslashreplace", line_buffering=(name == "stderr"))
        setattr(sys, name, stream)


# -- nothing outlives a sandbox ---------------------------------------------------------------------


def _children_of(pid: int) -> list[int]:
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return kids


def kill_descendants() -> None:
    """Kills every process below this one (a child subreaper: orphans come back to it) and reaps them."""
    for _ in range(1000):
        found, todo = [], _children_of(os.getpid())
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += _children_of(pid)
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            return
        if not found:
            os.waitpid(-1, 0)  # one still dying: wait for it


class _End(Exception):
    pass


def _end(*_args) -> None:
    raise _End


def supervise(child: int, init: int | None, keep_alive: int | None) -> None:
    """The sandbox's first process, outside its PID namespace, until the learner's process `child`
    ends or the grader ends the sandbox (SIGTERM): then everything below goes, and this process ends
    the way `child` did, so the grader can tell how (exit code, or the signal that killed it). The
    namespace's init lives as long as this process holds `keep_alive` open."""
    status = None
    too_many = False
    try:
        signal.signal(signal.SIGTERM, _end)
        while True:
            pid, got = os.waitpid(-1, 0)
            if pid == child:
                status = got
                break
            if pid == init:  # it ended the namespace, the learner's process with it
                too_many = os.waitstatus_to_exitcode(got) == INIT_SAW_TOO_MANY
                init = None
    except (_End, ChildProcessError):
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if init is not None:  # its end ends everything in the namespace; it says whether there were too many
        too_many = end_init(init, keep_alive) == INIT_SAW_TOO_MANY
    kill_descendants()
    if too_many:
        os._exit(TOO_MANY_PROCESSES)
    code = os.waitstatus_to_exitcode(status) if status is not None else 0
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code if code >= 0 else 128 - code)


def end_init(init: int, keep_alive: int | None) -> int | None:
    """Tells the namespace's init to end by closing `keep_alive` (it answers at once), else kills it;
    returns its exit code. Reaps this process's other children meanwhile: the learner's process lives
    in the namespace, and the kernel does not let an init be reaped before every process of its
    namespace has been."""
    if keep_alive is not None:
        os.close(keep_alive)
    for _ in range(2):
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return None
            if pid == init:
                return os.waitstatus_to_exitcode(status)
            if not pid:
                time.sleep(0.001)
        try:
            os.kill(init, signal.SIGKILL)  # it did not answer in time
        except OSError:
            return None
    return None


def _spawn_init(close: Iterable[int]) -> tuple[int, int]:
    """Starts the namespace's init (see INIT), with the descriptors in `close` closed; returns its pid
    and the end of its pipe that keeps it alive while this process holds it."""
    ending, keep_alive = os.pipe()
    try:
        os.set_inheritable(ending, True)
        actions = [(os.POSIX_SPAWN_CLOSE, fd) for fd in close]
        pid = os.posix_spawn(sys.executable, [sys.executable, "-I", "-S", "-c", INIT, str(PROCESS_LIMIT),
                                              str(ending)], {}, file_actions=actions)
    except OSError:
        os.close(keep_alive)
        raise
    finally:
        os.close(ending)
    return pid, keep_alive


def enter_sandbox(home: str, keep_fds: Iterable[int], data_roots: Iterable[str] = (),
                  off: set[str] | None = None) -> list[str]:
    """The one point where a sandbox is shut in. Called in the sandbox's first process with its folder
    (`home`) and the descriptors it talks to the grader through (`keep_fds`), before any learner code.
    Returns, in the process that runs the learner's code, the names of the protections applied; the
    first process stays behind as the supervisor (see `supervise`) and never returns."""
    off = switched_off() if off is None else off
    keep_fds = list(keep_fds)
    applied: list[str] = []
    reads = readable_roots(data_roots)
    init = keep_alive = None
    namespaces = 0
    if hasattr(os, "fork"):
        if "namespaces" not in off:
            try:
                namespaces = unshare_namespaces()
            except OSError:
                namespaces = 0
        if namespaces:
            try:
                init, keep_alive = _spawn_init(keep_fds)
            except OSError:
                init = None
        if init is None:
            _prctl(PR_SET_CHILD_SUBREAPER, 1)
        child = os.fork()
        if child:
            for fd in keep_fds:
                os.close(fd)
            supervise(child, init, keep_alive)
        if keep_alive is not None:
            os.close(keep_alive)  # the supervisor's alone: the init ends when the supervisor does
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        name_process("dq-learner")
        os.setsid()  # a kill(0, ...) of the learner's reaches only its own processes
        applied.append("pid namespace" if init is not None else "subreaper")
        if namespaces & CLONE_NEWNET:
            applied.append("network namespace")
    if "rlimits" not in off:
        applied += set_limits(init is not None, bool(namespaces & CLONE_NEWUSER))
    if "output-cap" not in off:
        cap_output()
        applied.append("output cap")
    abi = landlock_abi() if "landlock" not in off else 0
    if abi:
        try:
            applied += landlock(home, reads, abi)
        except OSError:
            pass
    return applied


# -- what `doctor` and the reports say ------------------------------------------------------------


GUARDS = {
    "pid namespace": "every process the learner's code starts dies with its sandbox, and it can see and "
                     "signal nothing outside",
    "subreaper": "every process the learner's code starts is killed when its sandbox ends (a fallback for "
                 "the PID namespace)",
    "network namespace": "the sandbox has no network: no connection to the internet or to this machine",
    "landlock filesystem": "the sandbox writes only its own folder and reads only Python, torch and MNIST: "
                           "not other submissions, the gradebook or a workspace's progress",
    "landlock network": "no TCP connection or listening socket, even where network namespaces are missing",
    "landlock signal scope": "no signal to a process outside the sandbox, and no abstract Unix socket outside",
    "rlimit processes": f"a fork bomb ends as a failed check: the sandbox is stopped once {PROCESS_LIMIT} "
                        "processes and threads were started in its PID namespace (a few hundred at most at once)",
    "rlimit memory": f"using more than {MEMORY_LIMIT // 2**30} GB of memory ends as a failed check",
    "rlimit cpu time": f"more than {CPU_LIMIT} s of processor time in one sandbox ends it",
    "rlimit file size": f"no file the sandbox writes grows past {OUTPUT_LIMIT // 2**20} MB",
    "output cap": f"print() output past {OUTPUT_LIMIT // 2**20} MB is dropped; the check goes on and the "
                  "result says the output was cut",
}


def run_in_child(body: Callable[[int], Any]) -> Any:
    """Calls `body(fd)` in a forked child, which then exits, its output going nowhere. `fd` is the
    pipe that body's answer (any JSON value) comes back through, for a body that must keep it open.
    Returns the answer, or None if none came."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            devnull = os.open(os.devnull, os.O_RDWR)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.write(w, json.dumps(body(w)).encode())
        finally:
            os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 4096):
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    try:
        return json.loads(data)
    except ValueError:
        return None


def _probe() -> list[str]:
    """Tries enter_sandbox() in a throwaway child and returns what it applied (the process it returns
    in answers; its supervisor closes the pipe before it waits)."""
    import tempfile

    home = tempfile.mkdtemp(prefix="dunderquest-probe-")
    applied = run_in_child(lambda fd: enter_sandbox(home, [fd]))
    os.rmdir(home) if not os.listdir(home) else None
    return list(applied) if isinstance(applied, list) else []


_cache: list[Protection] | None = None


def in_force() -> list[Protection]:
    """The protections every sandbox of this process gets (tried for real once per process)."""
    global _cache
    if _cache is not None:
        return _cache
    forked = hasattr(os, "fork")
    applied = set(_probe()) if forked else set()
    off = switched_off()
    abi = landlock_abi()
    found = [
        Protection("separate process", True,
                   "the learner's code runs in its own process; the checks never import it"),
        Protection("forked sandbox", forked,
                   "each sandbox is forked from a process holding no reference values" if forked
                   else "no fork() here: each sandbox is a fresh `python -I` process (slower, as safe)"),
        Protection("deadline per call", True, f"every call into the learner's code is stopped after "
                                              f"{DEFAULT_TIMEOUT:g} s"),
    ]
    for name, guard in GUARDS.items():
        if name == "subreaper" and "pid namespace" in applied:
            continue
        if name in applied:
            detail = guard + (f" (Landlock ABI {abi})" if name.startswith("landlock") else "")
        elif name.startswith("landlock") and "landlock" in off or name in ("pid namespace", "network namespace") \
                and "namespaces" in off or name.startswith("rlimit") and "rlimits" in off \
                or name == "output cap" and "output-cap" in off:
            detail = f"switched off ({OFF_VARIABLE})"
        elif name.startswith("landlock"):
            detail = (f"this kernel's Landlock (ABI {abi}) lacks it" if abi else "no Landlock on this system")
        elif name in ("pid namespace", "network namespace"):
            detail = "this system does not let this user make namespaces" if LINUX else "no namespaces on this system"
        elif name == "rlimit processes":
            detail = ("root is not held by RLIMIT_NPROC, and without a PID namespace of its own nothing caps "
                      "the processes of a sandbox" if LINUX else "not available on this system")
        else:
            detail = "not available on this system"
        found.append(Protection(name, name in applied, detail))
    _cache = found
    return found
