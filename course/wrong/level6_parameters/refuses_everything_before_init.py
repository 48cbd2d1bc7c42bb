# Refuses every assignment before super().__init__(), plain values too, which PyTorch allows.
# must fail: test_assigning_before_init_raises_attribute_error
import torch


class Module:
    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError("call super().__init__() first")
        if isinstance(value, torch.nn.Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
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
