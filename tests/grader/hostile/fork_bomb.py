# ruff: noqa
# level: level1_double
# must fail: test_double_of_an_int_is_twice_the_int
# says: than a sandbox allows
# says: Your class should not need os.fork()
# Forks without end on the first call; every copy forks too.
import os


class Double:
    def __call__(self, x):
        while True:
            os.fork()
