# ruff: noqa
# level: level1_double
# passes: true
# note: output was cut
# A correct class that prints 40 MB on every call: the output past the cap is dropped, not fatal.


class Double:
    def __call__(self, x):
        line = "x" * 1000
        for _ in range(40_000):
            print(line)
        return 2 * x
