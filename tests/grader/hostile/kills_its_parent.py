# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# known bug: killing the sandbox's parent (the zygote) makes GraderClient.grade raise GraderUnavailable ("stopped twice in a row") instead of failing the check with a message; the cold `dunderquest check` dies with a BrokenPipeError traceback
# slow: the grader restarts twice
# Kills the process that started it, which is the grader's, not its own.
import os
import signal


class Double:
    def __call__(self, x):
        os.kill(os.getppid(), signal.SIGKILL)
        return 2 * x
