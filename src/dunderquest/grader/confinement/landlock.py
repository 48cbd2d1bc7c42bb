"""Landlock: the kernel's own file-system, network and signal rules for an unprivileged process,
applied to the process that runs the learner's code (and everything it starts) before that code runs.

A sandbox may write only its own folder, and read only what running the learner's code needs (see
`read_rules`); with ABI 4 it may neither connect nor listen on TCP, and with ABI 6 its signals and
abstract Unix sockets stay inside the sandbox. Kernel 5.13 and later; elsewhere nothing is applied.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from .system import LINUX, PR_SET_NO_NEW_PRIVS, check, libc

# linux/landlock.h; the system call numbers are the same on every architecture since 5.13.
SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_ABI1 = (1 << 13) - 1  # execute .. make_sym: everything a first-version kernel knows
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV  # all a file rule may hold
MACHINES = ("x86_64", "aarch64", "riscv64", "armv7l", "ppc64le", "s390x", "loongarch64")


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi() -> int:
    """The Landlock ABI version this kernel offers (0: none)."""
    c = libc()
    if not LINUX or c is None or os.uname().machine not in MACHINES:
        return 0
    version = c.syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    return max(int(version), 0)


def _fs_rights(version: int) -> int:
    rights = FS_ABI1
    if version >= 2:
        rights |= FS_REFER
    if version >= 3:
        rights |= FS_TRUNCATE
    if version >= 5:
        rights |= FS_IOCTL_DEV
    return rights


READ = FS_READ_FILE | FS_READ_DIR | FS_EXECUTE
PACKAGE = Path(__file__).resolve().parents[2]  # dunderquest itself
# What a sandbox may read of dunderquest: what runs inside it, and nothing of the trusted grader.
INSIDE = tuple(PACKAGE / part for part in ("__init__.py", "grader/__init__.py", "grader/wire.py", "grader/limits.py",
                                           "grader/inside", "grader/confinement"))


@functools.cache
def read_rules(data_roots: tuple[str, ...] = (), hidden: tuple[str, ...] = ()) -> tuple[tuple[str, int], ...]:
    """What a sandbox may read, as (path, rights): Python and its packages (torch, torchvision), the
    shared libraries they load, the MNIST data, and of dunderquest only what runs inside a sandbox.
    Nothing under a home folder or a workspace, unless a package is installed there.

    Landlock only ever allows, so a folder that holds something hidden (dunderquest, in whatever
    site-packages it is installed; the folders in `hidden`, such as the reference solutions and the
    levels' checks) may be listed but not read, and each thing in it is allowed on its own, but the
    hidden one. Worked out once per process: the zygote does it before it forks."""
    roots = ["/usr", "/lib", "/lib64", "/lib32", "/etc/ld.so.cache", "/etc/localtime", "/dev/urandom",
             sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    roots += [p for p in sys.path if p and os.path.isabs(p)]
    roots += list(data_roots)
    hide = {os.path.realpath(p) for p in (*hidden, PACKAGE)}
    rules: dict[str, int] = {}

    def add(path: str) -> None:
        if path in hide or path in rules:
            return
        if any(h.startswith(path + os.sep) for h in hide):
            rules[path] = FS_READ_DIR  # to list it: whatever it holds is allowed, or not, by a rule of its own
            try:
                children = sorted(entry.path for entry in os.scandir(path))
            except OSError:
                return
            for child in children:
                add(os.path.realpath(child) if os.path.islink(child) else child)
        else:
            rules[path] = READ

    for root in sorted({os.path.realpath(r) for r in roots if os.path.exists(r)}):
        add(root)
    for part in INSIDE:
        rules[str(part)] = READ
        for folder in part.parents:  # listed, for Python's import system; nothing in them read
            if folder == PACKAGE.parent:
                break
            rules[str(folder)] = rules.get(str(folder), 0) | FS_READ_DIR
    return tuple(rules.items())


def restrict(home: str, reads: Iterable[tuple[str, int]], version: int) -> list[str]:
    """Restricts this process (and all it starts) to writing `home` and reading as `reads` says (see
    `read_rules`), with no TCP and no signals or abstract sockets outside. Returns the protections it
    applied."""
    c = libc()
    fs = _fs_rights(version)
    attr = _RulesetAttr(fs, NET_BIND_TCP | NET_CONNECT_TCP if version >= 4 else 0,
                        SCOPE_SIGNAL | SCOPE_ABSTRACT_UNIX_SOCKET if version >= 6 else 0)
    size = 8 if version < 4 else 16 if version < 6 else 24
    ruleset = check(c.syscall(SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0)))
    try:
        rules = [(home, fs), *reads]
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
                check(c.syscall(SYS_ADD_RULE, ruleset, ctypes.c_int(RULE_PATH_BENEATH), ctypes.byref(rule),
                                ctypes.c_uint32(0)))
            finally:
                os.close(fd)
        check(c.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        check(c.syscall(SYS_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)))
    finally:
        os.close(ruleset)
    done = ["landlock filesystem"]
    if version >= 4:
        done.append("landlock network")
    if version >= 6:
        done.append("landlock signal scope")
    return done
