# Never goes into submodules: only the model's own Parameters are listed.
# must fail: test_submodules_give_dotted_names_in_torch_order
# must fail: test_parameters_gives_the_parameters_themselves
import torch


class Module:
    def __init__(self):
        object.__setattr__(self, "_parameters", {})

    def __setattr__(self, name, value):
        if isinstance(value, torch.nn.Parameter):
            self._parameters[name] = value
        object.__setattr__(self, name, value)

    def named_parameters(self):
        return iter(self._parameters.items())

    def parameters(self):
        return iter(self._parameters.values())
