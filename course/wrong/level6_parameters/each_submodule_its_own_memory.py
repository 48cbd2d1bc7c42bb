# Skips repeated Parameters only within one module, so a Parameter shared by two submodules is
# listed twice.
# must fail: test_a_shared_parameter_is_listed_once
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

    def named_parameters(self, prefix=""):
        seen = set()
        for name, p in self._parameters.items():
            if p not in seen:
                seen.add(p)
                yield prefix + name, p
        for name, module in self._modules.items():
            yield from module.named_parameters(prefix + name + ".")

    def parameters(self):
        return (p for _, p in self.named_parameters())
