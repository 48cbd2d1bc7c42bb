# Double is a factory function that returns a lambda: Double()(3) works, but there is no class.
# must fail: test_double_is_a_class


def Double():
    return lambda x: 2 * x
