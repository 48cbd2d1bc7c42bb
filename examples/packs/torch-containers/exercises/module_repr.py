"""Printing a model: write `class Module` whose `__repr__` prints its tree of submodules as
torch.nn.Module does (read the lesson: `dunderquest lesson module_repr`). Check your work with
`dunderquest check module_repr`."""

import torch  # noqa: F401  (torch.nn.Module children count too)


class Module:
    def __init__(self):
        pass
