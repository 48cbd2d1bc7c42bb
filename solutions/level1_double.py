"""Level 1: objects you can call."""


class Double:
    """An object that doubles whatever it is called with: `Double()(x) == 2 * x`."""

    def __call__(self, x):
        # `2 * x` makes a new value; `x *= 2` would change a caller's tensor in place.
        return 2 * x
