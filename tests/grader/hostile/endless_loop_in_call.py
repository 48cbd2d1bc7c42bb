# ruff: noqa
# level: level1_double
# says: did not finish within 10 s
# says: When it was stopped, it was at line
# says: of exercises/level1_double.py, in `__call__`
# slow: waits for the 10 s deadline


class Double:
    def __call__(self, x):
        result = x
        while result != 2 * x or True:
            result = result + 0
        return result
