# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# says: more than 2 GB of memory
# Keeps every result in a list that grows by 100 MB a step.


class Double:
    kept = []

    def __call__(self, x):
        while True:
            self.kept.append(bytearray(100 * 2**20))
