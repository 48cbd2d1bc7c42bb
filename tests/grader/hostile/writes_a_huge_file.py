# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# says: larger than 16 MB
# Fills a file in its own folder with 100 MB on every call.
import tempfile
from pathlib import Path


class Double:
    def __call__(self, x):
        with open(Path(tempfile.gettempdir()) / "big.bin", "wb") as f:
            for _ in range(100):
                f.write(b"\0" * 2**20)
        return 2 * x
