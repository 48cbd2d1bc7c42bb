# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# says: signal or trace a process outside its sandbox
# Tries to attach with ptrace to process 1 of its sandbox and to its parent, as a debugger would
# to read another process's memory; fails loudly when the kernel refuses.
import ctypes
import os

PTRACE_ATTACH = 16


class Double:
    def __call__(self, x):
        libc = ctypes.CDLL(None, use_errno=True)
        for pid in (1, os.getppid()):
            if pid > 0 and libc.ptrace(PTRACE_ATTACH, pid, None, None) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code))
        return 2 * x
