# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# says: outside the folder a sandbox may use
# Makes symlinks in its own folder (the only one it may write) to another student's file and to the
# workspace's next exercise, and reads and writes through them.
import os
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve()


class Double:
    def __call__(self, x):
        home = Path(tempfile.gettempdir())
        for name, target in (("other", HERE.parents[2] / "other-student" / "exercises" / "level1_double.py"),
                             ("next", HERE.parent / "level2_data.py")):
            link = home / name
            if not link.is_symlink():
                os.symlink(target, link)
            link.read_text()
        (home / "next").write_text("# hacked\n")
        return 2 * x
