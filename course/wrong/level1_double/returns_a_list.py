# Accepts any number of arguments and returns a list of doubled values.
# must fail: test_double_of_an_int_is_twice_the_int
# must fail: test_double_of_a_float_is_twice_the_float
# must fail: test_double_of_an_mnist_image_is_twice_the_image


class Double:
    def __call__(self, *values):
        return [2 * value for value in values]
