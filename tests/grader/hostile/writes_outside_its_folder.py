# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# says: outside the folder a sandbox may use
# Writes a file beside itself, in the learner's exercises folder, on every call.
from pathlib import Path


class Double:
    def __call__(self, x):
        (Path(__file__).resolve().parent / "planted.py").write_text("print('planted')\n")
        return 2 * x
