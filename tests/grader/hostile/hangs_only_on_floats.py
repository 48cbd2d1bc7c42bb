# ruff: noqa
# level: level1_double
# must fail: test_double_of_a_float_is_twice_the_float
# must pass: test_double_of_an_mnist_image_is_twice_the_image
# must pass: test_double_leaves_its_input_unchanged
# says: did not finish within 10 s
# slow: waits for the 10 s deadline
# Right for ints and tensors, but loops for ever on a float.


class Double:
    def __call__(self, x):
        while isinstance(x, float):
            pass
        return 2 * x
