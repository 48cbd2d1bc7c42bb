# Wraps the answer in int(), which drops the fraction of a float and cannot convert an image.
# must fail: test_double_of_a_float_is_twice_the_float
# must fail: test_double_of_an_mnist_image_is_twice_the_image


class Double:
    def __call__(self, x):
        return int(2 * x)
