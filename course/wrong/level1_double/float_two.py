# Multiplies by 2.0, so ints come back as floats and uint8 pixels as float32.
# must fail: test_double_of_an_int_is_twice_the_int
# must fail: test_double_of_an_mnist_image_is_twice_the_image


class Double:
    def __call__(self, x):
        return 2.0 * x
