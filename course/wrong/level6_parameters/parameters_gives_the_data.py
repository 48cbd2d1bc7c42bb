# parameters() gives each Parameter's .data, a plain tensor with the same values, not the
# Parameter itself, so an optimizer would update copies.
# must fail: test_parameters_gives_the_parameters_themselves
import torch


class Module:
    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})

    def __setattr__(self, name, value):
        if isinstance(value, torch.nn.Parameter):
            self.__dict__["_parameters"][name] = value
        elif isinstance(value, Module):
            self.__dict__["_modules"][name] = value
        object.__setattr__(self, name, value)

    def named_parameters(self, prefix="", seen=None):
        seen = set() if seen is None else seen
        for name, p in self._parameters.items():
            if p not in seen:
                seen.add(p)
                yield prefix + name, p
        for name, module in self._modules.items():
            yield from module.named_parameters(prefix + name + ".", seen)

    def parameters(self):
        return [p.data for _, p in self.named_parameters()]
