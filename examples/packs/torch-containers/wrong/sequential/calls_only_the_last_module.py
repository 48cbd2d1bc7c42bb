# must fail: test_calling_runs_the_modules_in_order_on_mnist
"""Gives each module the input instead of the previous module's output: only the last one counts."""


class Sequential:
    def __init__(self, *modules):
        self.layers = list(modules)

    def __call__(self, x):
        out = x
        for layer in self.layers:
            out = layer(x if layer is not self.layers[-1] else out.flatten(1)[:, :32])
        return out

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]

    def __iter__(self):
        return iter(self.layers)
