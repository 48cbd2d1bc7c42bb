# Appends (name, parameter) to a list on every assignment, so assigning a name again lists it twice.
# must fail: test_assigning_a_parameter_again_keeps_its_place
import torch


class Module:
    def __init__(self):
        object.__setattr__(self, "_parameters", [])
        object.__setattr__(self, "_modules", [])

    def __setattr__(self, name, value):
        if isinstance(value, torch.nn.Parameter):
            self.__dict__["_parameters"].append((name, value))
        elif isinstance(value, Module):
            self.__dict__["_modules"].append((name, value))
        object.__setattr__(self, name, value)

    def named_parameters(self, prefix="", seen=None):
        seen = set() if seen is None else seen
        for name, p in self._parameters:
            if p not in seen:
                seen.add(p)
                yield prefix + name, p
        for name, module in self._modules:
            yield from module.named_parameters(prefix + name + ".", seen)

    def parameters(self):
        return (p for _, p in self.named_parameters())
