# ruff: noqa
# level: level1_double
# passes: true
# A correct class that starts a thread spinning forever on its first call.
import threading


def spin():
    n = 0
    while True:
        n += 1


class Double:
    started = False

    def __call__(self, x):
        if not Double.started:
            Double.started = True
            threading.Thread(target=spin, daemon=True).start()
        return 2 * x
