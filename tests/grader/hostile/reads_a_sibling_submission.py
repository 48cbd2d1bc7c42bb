# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# says: outside the folder a sandbox may use
# Reads another student's submission in a folder beside the workspace (a class being graded).
from pathlib import Path


class Double:
    def __call__(self, x):
        other = Path(__file__).resolve().parents[2] / "other-student" / "exercises" / "level1_double.py"
        other.read_text()
        return 2 * x
