# must fail: test_len_counts_the_modules
"""Counts only the layers with weights."""


class Sequential:
    def __init__(self, *modules):
        self.layers = list(modules)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def __len__(self):
        return sum(1 for layer in self.layers if hasattr(layer, "weight"))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]

    def __iter__(self):
        return iter(self.layers)
