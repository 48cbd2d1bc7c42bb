# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# says: outside the folder a sandbox may use
# Reads the machine's user list and lists the learner's home folder on every call.
import os
from pathlib import Path


class Double:
    def __call__(self, x):
        Path("/etc/passwd").read_text()
        os.listdir(Path(__file__).resolve().parents[1])
        return 2 * x
