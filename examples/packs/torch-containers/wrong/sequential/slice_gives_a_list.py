# must fail: test_a_slice_is_a_new_sequential_of_the_same_modules
"""A slice gives back a plain list, not a Sequential."""


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
        return self.layers[index]

    def __iter__(self):
        return iter(self.layers)
