# must fail: test_indexing_gives_the_very_modules
# must fail: test_a_slice_is_a_new_sequential_of_the_same_modules
"""Hands out copies of the modules, so training one would not train the model."""
import copy


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
            return Sequential(*copy.deepcopy(self.layers[index]))
        return copy.deepcopy(self.layers[index])

    def __iter__(self):
        return iter(self.layers)
