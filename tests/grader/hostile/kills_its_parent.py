# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# slow: the grader restarts twice
# Kills the process that started it, which is the grader's, not its own.
import os
import signal


class Double:
    def __call__(self, x):
        os.kill(os.getppid(), signal.SIGKILL)
        return 2 * x
