# Doubles a tensor in place, so the caller's image changes.
# must fail: test_double_leaves_its_input_unchanged


class Double:
    def __call__(self, x):
        x *= 2
        return x
