"""rlimits and the output cap: what the process that runs the learner's code may use, set on itself
before that code runs. Each limit is named in `limits.py`; what the learner reads when one stops
their code is in protections.py."""

from __future__ import annotations

import io
import os
import signal
import sys

from ..limits import CPU_LIMIT, MEMORY_LIMIT, OUTPUT_LIMIT, PROCESS_LIMIT
from .namespaces import PID_MAX_FLOOR, write_file

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]


def address_space_now() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


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


def _limit(which: int, value: int, hard: int | None = None) -> bool:
    soft_now, hard_now = resource.getrlimit(which)
    hard = value if hard is None else hard
    if hard_now != resource.RLIM_INFINITY:
        hard = min(hard, hard_now)
    try:
        resource.setrlimit(which, (min(value, hard), hard))
        return True
    except (ValueError, OSError):
        return False


def set_limits(in_own_pid_namespace: bool, own_user_namespace: bool) -> list[str]:
    """rlimits for this process, before the learner's code runs. Returns the protections applied."""
    if resource is None:
        return []
    done = []
    if _limit(resource.RLIMIT_FSIZE, OUTPUT_LIMIT):
        done.append("rlimit file size")
    _limit(resource.RLIMIT_CORE, 0)
    if _limit(resource.RLIMIT_CPU, CPU_LIMIT, CPU_LIMIT + 5):
        done.append("rlimit cpu time")
    # The learner's code may use MEMORY_LIMIT more than the sandbox holds when it starts (torch alone
    # maps a few GB of address space).
    if _limit(resource.RLIMIT_AS, address_space_now() + MEMORY_LIMIT):
        done.append("rlimit memory")
    # Processes: RLIMIT_NPROC counts per user and user namespace, and is not enforced for root; in a
    # PID namespace of its own, pid_max caps any user.
    processes = False
    if in_own_pid_namespace:
        try:
            write_file("/proc/sys/kernel/pid_max", str(PID_MAX_FLOOR))
            processes = True
        except OSError:
            pass
    # A little above the init's count, so that it is the init that ends a fork bomb and says so.
    if own_user_namespace and _limit(resource.RLIMIT_NPROC, PROCESS_LIMIT + 16):
        processes = True
    elif not processes and os.geteuid() != 0:  # the count is the user's, across the machine
        processes = _limit(resource.RLIMIT_NPROC, processes_of(os.getuid()) + PROCESS_LIMIT)
    if processes:
        done.append("rlimit processes")
    return done


class CappedOutput(io.RawIOBase):
    """Where print() writes in a sandbox: the output file, until it holds OUTPUT_LIMIT bytes; past
    that, output is dropped, so a chatty but correct class still passes (the result notes the cut)."""

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


def cap_output() -> list[str]:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past RLIMIT_FSIZE fails; it no longer kills
    for name, fd in (("stdout", 1), ("stderr", 2)):
        stream = io.TextIOWrapper(io.BufferedWriter(CappedOutput(fd), 1 << 16), encoding="utf-8",
                                  errors="backslashreplace", line_buffering=(name == "stderr"))
        setattr(sys, name, stream)
    return ["output cap"]
