# Rounds floats to two decimals "to keep them tidy".
# must fail: test_double_of_a_float_is_twice_the_float


class Double:
    def __call__(self, x):
        if isinstance(x, float):
            return round(2 * x, 2)
        return 2 * x
