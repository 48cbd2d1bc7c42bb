# Takes the value in __init__ and doubles it in __call__: Double() with no argument fails.
# must fail: test_calling_comes_from_dunder_call_on_the_class
# must fail: test_double_of_an_int_is_twice_the_int
# must fail: test_double_of_a_float_is_twice_the_float
# must fail: test_double_of_an_mnist_image_is_twice_the_image
# must fail: test_double_leaves_its_input_unchanged


class Double:
    def __init__(self, x):
        self.x = x

    def __call__(self):
        return 2 * self.x
