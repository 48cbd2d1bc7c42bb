# ruff: noqa
# level: level1_double
# says: did not finish within 10 s
# slow: waits for the 10 s deadline


class Double:
    def __call__(self, x):
        result = x
        while result != 2 * x or True:
            result = result + 0
        return result
