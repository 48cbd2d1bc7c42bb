# A "class" whose __new__ hands back a lambda: Double()(3) works, but no __call__ is defined on Double.
# must fail: test_calling_comes_from_dunder_call_on_the_class


class Double:
    def __new__(cls):
        return lambda x: 2 * x
