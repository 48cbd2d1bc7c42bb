# Double is a lambda that returns a lambda.
# must fail: test_double_is_a_class
Double = lambda: (lambda x: x + x)  # noqa: E731
