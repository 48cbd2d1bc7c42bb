# Keeps Parameters and submodules in one dict and walks it in assignment order, so a submodule
# assigned before a Parameter is listed before it.
# must fail: test_submodules_give_dotted_names_in_torch_order
import torch


class Module:
    def __init__(self):
        object.__setattr__(self, "_children", {})

    def __setattr__(self, name, value):
        if isinstance(value, torch.nn.Parameter | Module):
            self.__dict__["_children"][name] = value
        object.__setattr__(self, name, value)

    def named_parameters(self, prefix="", seen=None):
        seen = set() if seen is None else seen
        for name, value in self._children.items():
            if isinstance(value, Module):
                yield from value.named_parameters(prefix + name + ".", seen)
            elif value not in seen:
                seen.add(value)
                yield prefix + name, value

    def parameters(self):
        return (p for _, p in self.named_parameters())
