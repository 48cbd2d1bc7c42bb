"""Namespaces: a sandbox's own PID, network and IPC namespaces, inside a user namespace of its own
when the grader does not run as root. Its processes can then see and signal nothing outside, it has
no network, and the kernel kills every one of them when the namespace's init ends."""

from __future__ import annotations

import errno
import os

from .system import LINUX, check, libc

CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x10000000, 0x20000000, 0x40000000
PID_MAX_FLOOR = 301  # the kernel refuses a smaller pid_max, even in a PID namespace of one's own


def write_file(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def unshare() -> int:
    """A new PID, network and IPC namespace for this process's next children (in a new user namespace,
    mapping this user to itself, when not root). Returns the flags used; raises OSError where the
    kernel refuses."""
    c = libc()
    if not LINUX or c is None:
        raise OSError(errno.ENOSYS, "no namespaces on this system")
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
    if uid != 0:
        flags |= CLONE_NEWUSER
    check(c.unshare(flags))
    if uid != 0:
        write_file("/proc/self/setgroups", "deny")
        write_file("/proc/self/uid_map", f"{uid} {uid} 1")
        write_file("/proc/self/gid_map", f"{gid} {gid} 1")
    return flags
