# Writes 2 ** x (two to the power x) where 2 * x (two times x) was meant.
# must fail: test_double_of_an_int_is_twice_the_int
# must fail: test_double_of_a_float_is_twice_the_float
# must fail: test_double_of_an_mnist_image_is_twice_the_image


class Double:
    def __call__(self, x):
        return 2 ** x
