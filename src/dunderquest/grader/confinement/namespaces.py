"""Namespaces: a sandbox's own PID, network, IPC and mount namespaces, inside a user namespace of its
own when the grader does not run as root. Its processes can then see and signal nothing outside, it
has no network, and the kernel kills every one of them when the namespace's init ends. In its own
mount namespace, its folder is a size-capped tmpfs, and the grader's answer key (the reference
solutions, the levels' checks) is covered by empty folders, whether or not Landlock is there."""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Iterable

from .system import LINUX, check, libc

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = (0x00020000, 0x08000000, 0x10000000,
                                                                      0x20000000, 0x40000000)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 1 << 14, 1 << 18
PID_MAX_FLOOR = 301  # the kernel refuses a smaller pid_max, even in a PID namespace of one's own


def write_file(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _libc():
    c = libc()
    if not LINUX or c is None:
        raise OSError(errno.ENOSYS, "no namespaces on this system")
    return c


def unshare(pid: bool = True) -> int:
    """A new network and IPC namespace, and a mount namespace, for this process from now on, and (with
    `pid`) a new PID namespace for its next children; all in a new user namespace, mapping this user
    to itself, when not root. Returns the flags used; raises OSError where the kernel refuses."""
    c = _libc()
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWNS | (CLONE_NEWPID if pid else 0)
    if uid != 0:
        flags |= CLONE_NEWUSER
    check(c.unshare(flags))
    if uid != 0:
        write_file("/proc/self/setgroups", "deny")
        write_file("/proc/self/uid_map", f"{uid} {uid} 1")
        write_file("/proc/self/gid_map", f"{gid} {gid} 1")
    return flags


def new_pid_namespace_for_children() -> None:
    """The next child of this process starts a new PID namespace, as its first process (PID 1), and
    later ones join it, until `back_to(own)`. Root only: it needs no user namespace of its own."""
    check(_libc().unshare(CLONE_NEWPID))


def back_to(own_pid_namespace: int) -> None:
    """Children go into this process's own PID namespace again (`own_pid_namespace`: an open
    /proc/self/ns/pid)."""
    check(_libc().setns(own_pid_namespace, CLONE_NEWPID))


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    c = libc()
    check(c.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                  data.encode() if data else None))


def seal(home: str, size: int, hide: Iterable[str]) -> list[str]:
    """In this process's own mount namespace (see `unshare`): nothing mounted here reaches the
    machine's; `home` becomes a tmpfs that holds at most `size` bytes; and each folder of `hide`
    is covered by an empty one. Returns the protections it applied."""
    done = []
    try:
        _mount("none", "/", None, MS_REC | MS_PRIVATE, None)
        _mount("dunderquest", home, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=0700")
        done.append("folder size")
    except OSError:
        return done
    try:
        for path in hide:
            if os.path.isdir(path):
                _mount("dunderquest", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555")
        done.append("hidden answer key")
    except OSError:
        pass
    return done
