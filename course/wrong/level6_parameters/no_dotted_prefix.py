# Goes into submodules but gives their Parameters their bare names.
# must fail: test_submodules_give_dotted_names_in_torch_order
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

    def named_parameters(self, seen=None):
        seen = set() if seen is None else seen
        for name, p in self._parameters.items():
            if p not in seen:
                seen.add(p)
                yield name, p
        for module in self._modules.values():
            yield from module.named_parameters(seen)

    def parameters(self):
        return (p for _, p in self.named_parameters())
