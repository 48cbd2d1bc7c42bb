"""Level 6: parameters, how a model knows its weights.

`model.parameters()` is what you hand to an optimizer, yet you never list your weights anywhere.
torch.nn.Module finds them because its `__setattr__` watches every `self.name = value`. Write that:

- `__setattr__(self, name, value)`: a `torch.nn.Parameter` is registered as a parameter, a `Module`
  as a submodule, both under `name` and in the order they are assigned; anything else is a plain
  attribute. `self.name` must still give back what was assigned.
- Assigning a Parameter or a submodule before `Module.__init__` has run (a subclass that forgot
  `super().__init__()`) raises AttributeError, as PyTorch does. A plain value is fine.
- `named_parameters()` gives `(name, parameter)` pairs: the module's own Parameters first, then
  each submodule's, in the order the submodules were assigned, named `submodule.name`, and each
  Parameter only once. `parameters()` gives the same Parameters without the names.

The grader builds the same models on your Module and on torch.nn.Module and compares the lists.
Below is a start with several bugs: it registers too much, finds too little and hands out copies.
Read the lesson, then fix it.

Read the lesson in the game, or with `dunderquest lesson 6`.
Check your work with ctrl+r in the game, or `dunderquest check 6`.
"""

import torch


class Module:
    def __init__(self):
        self._parameters = {}

    def __setattr__(self, name, value):
        if isinstance(value, torch.Tensor):
            self._parameters[name] = value
        object.__setattr__(self, name, value)

    def named_parameters(self):
        return list(self._parameters.items())

    def parameters(self):
        return [p.data for p in self._parameters.values()]
