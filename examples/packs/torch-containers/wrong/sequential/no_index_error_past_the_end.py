# must fail: test_indexing_gives_the_very_modules
"""Wraps the index around instead of raising IndexError past the end."""


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
        return self.layers[index % len(self.layers)]

    def __iter__(self):
        return iter(self.layers)
