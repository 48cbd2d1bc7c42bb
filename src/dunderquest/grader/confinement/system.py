"""The C library calls the grader makes outside what Python's `os` offers: prctl, and the raw
system calls of namespaces and Landlock. One place for them, so that each is written once, with the
constants it needs beside it. Linux only; elsewhere every call here reports that it did nothing."""

from __future__ import annotations

import ctypes
import os
import sys

LINUX = sys.platform.startswith("linux")

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NAME = 1, 4, 15
PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 36, 38


def libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def check(result: int) -> int:
    """The result of a C call, or the OSError its errno names when it failed."""
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


def prctl(option: int, value: int) -> bool:
    """One prctl(option, value); whether it worked."""
    c = libc()
    return LINUX and c is not None and c.prctl(option, value, 0, 0, 0) == 0


def name_process(name: str) -> None:
    """Names this process as `ps` and `top` show it (at most 15 characters): dq-zygote, dq-runner,
    dq-sandbox (a sandbox's supervisor), dq-learner (the process that runs the learner's code)."""
    c = libc()
    if LINUX and c is not None:
        c.prctl(PR_SET_NAME, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)


def keep_memory_private() -> None:
    """Makes this process non-dumpable: another process of the same user (a sandbox) can then no
    longer read its memory through /proc/PID/mem or ptrace, where a runner's references live."""
    prctl(PR_SET_DUMPABLE, 0)
