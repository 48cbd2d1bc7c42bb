# ruff: noqa
# level: level1_double
# passes: true
# needs: pid namespace
# Sends SIGKILL to process 1 (the machine's init, outside a PID namespace) and answers correctly.
import os
import signal


class Double:
    def __call__(self, x):
        try:
            os.kill(1, signal.SIGKILL)
        except OSError:
            pass
        return 2 * x
