# __call__ written without `self`: Python passes the object itself first, so the call gets two arguments.
# must fail: test_double_of_an_int_is_twice_the_int
# must fail: test_double_leaves_its_input_unchanged
# says: has no `self`: Python passes the object itself as a method's first argument


class Double:
    def __call__(x):
        return 2 * x
