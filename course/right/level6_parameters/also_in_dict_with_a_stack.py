# Keeps Parameters and submodules in __dict__ as well as in name lists, checks for the registries
# with hasattr, and walks the tree with an explicit stack into a list.
from collections import OrderedDict

from torch.nn import Parameter


class Module(object):
    def __init__(self):
        super().__setattr__("_params", OrderedDict())
        super().__setattr__("_children", OrderedDict())

    def __setattr__(self, name, value):
        if isinstance(value, (Parameter, Module)):
            if not hasattr(self, "_params"):
                raise AttributeError("cannot assign parameters or modules before Module.__init__() call")
            if isinstance(value, Parameter):
                self._children.pop(name, None)
                self._params[name] = value
            else:
                self._params.pop(name, None)
                self._children[name] = value
        super().__setattr__(name, value)

    def named_parameters(self):
        found, seen = [], set()
        stack = [("", self)]
        while stack:
            prefix, module = stack.pop()
            for name, p in module._params.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    found.append((prefix + name, p))
            stack.extend(reversed([(prefix + n + ".", m) for n, m in module._children.items()]))
        return found

    def parameters(self):
        return [p for _, p in self.named_parameters()]
