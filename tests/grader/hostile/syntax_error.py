# ruff: noqa
# level: level1_double
# says: SyntaxError at line 8
# says: column


class Double:
    def __call__(self, x)
        return 2 * x
