"""Level 1: objects you can call.

`Double()(x)` should give back `2 * x`, whether x is an int, a float, or a tensor of MNIST pixels.
Right now a Double can double, but only if you ask by name: `Double().double(3)`.
Make the object itself callable, so `Double()(3)` works the way `layer(x)` does in PyTorch.

Read the lesson in the game, or with `dunderquest lesson 1`.
Check your work with ctrl+r in the game, or `dunderquest check 1`.
"""


class Double:
    def double(self, x):
        return 2 * x
