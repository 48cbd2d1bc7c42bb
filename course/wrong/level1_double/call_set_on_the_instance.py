# Sets __call__ on the instance in __init__; Python looks it up on the class, so Double()(3) fails.
# must fail: test_calling_comes_from_dunder_call_on_the_class
# must fail: test_double_of_an_int_is_twice_the_int
# must fail: test_double_of_a_float_is_twice_the_float
# must fail: test_double_of_an_mnist_image_is_twice_the_image
# must fail: test_double_leaves_its_input_unchanged


class Double:
    def __init__(self):
        self.__call__ = self.double

    def double(self, x):
        return 2 * x
