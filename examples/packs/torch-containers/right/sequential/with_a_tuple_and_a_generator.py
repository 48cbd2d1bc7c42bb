"""A right solution written another way: a tuple, an explicit bounds check, a generator."""

import operator


class Sequential:
    def __init__(self, *modules):
        self._modules = tuple(modules)

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(*self._modules[index])
        index = operator.index(index)
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range")
        return self._modules[index]

    def __iter__(self):
        yield from self._modules

    def __call__(self, x):
        for module in self:
            x = module(x)
        return x
