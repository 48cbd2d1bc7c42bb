# ruff: noqa
# level: level1_double
# says: printed more than 16 MB
# unclear message: CPython ignores SIGXFSZ, so print() raises "OSError: [Errno 27] File too large" and the sandbox never dies of SIGXFSZ; the output-limit message is never shown


class Double:
    def __call__(self, x):
        line = "x" * 1000
        for _ in range(20_000):
            print(line)
        return 2 * x
