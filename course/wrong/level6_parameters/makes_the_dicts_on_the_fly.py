# Makes the registries in __setattr__ when they are missing, so a subclass that forgot
# super().__init__() goes unnoticed.
# must fail: test_assigning_before_init_raises_attribute_error
import torch


class Module:
    def __init__(self):
        self.__dict__.setdefault("_parameters", {})
        self.__dict__.setdefault("_modules", {})

    def __setattr__(self, name, value):
        if isinstance(value, torch.nn.Parameter):
            self.__dict__.setdefault("_parameters", {})[name] = value
        elif isinstance(value, Module):
            self.__dict__.setdefault("_modules", {})[name] = value
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
        return (p for _, p in self.named_parameters())
