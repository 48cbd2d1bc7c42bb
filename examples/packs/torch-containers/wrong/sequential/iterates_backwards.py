# must fail: test_iterating_gives_the_modules_in_order
"""Iterates from the last module to the first."""


class Sequential:
    def __init__(self, *modules):
        self.layers = list(modules)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]

    def __iter__(self):
        return reversed(self.layers)
