# ruff: noqa
# level: level1_double
# says: printed more than 16 MB


class Double:
    def __call__(self, x):
        line = "x" * 1000
        for _ in range(20_000):
            print(line)
        return 2 * x
