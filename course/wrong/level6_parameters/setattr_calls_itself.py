# __setattr__ stores a plain value with setattr(self, ...), which calls __setattr__ again: endless recursion.
# must fail: test_parameters_are_registered_in_the_order_they_are_assigned
# must fail: test_attributes_read_back_what_was_assigned
# says: calls `__setattr__` again, without end
import torch


class Module:
    """The registration machinery of torch.nn.Module: Parameters and submodules, found by name."""

    def __init__(self):
        # object.__setattr__ skips our own __setattr__, which needs these two dicts to exist.
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})

    def __setattr__(self, name, value):
        if isinstance(value, torch.nn.Parameter | Module):
            registries = self.__dict__.get("_parameters"), self.__dict__.get("_modules")
            if None in registries:
                kind = "parameters" if isinstance(value, torch.nn.Parameter) else "module"
                raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
            parameters, modules = registries
            is_parameter = isinstance(value, torch.nn.Parameter)
            # A name lives in one place: drop it from the other registry and from __dict__. In its
            # own registry, assigning again keeps its place, as a dict does.
            self.__dict__.pop(name, None)
            (modules if is_parameter else parameters).pop(name, None)
            (parameters if is_parameter else modules)[name] = value
        else:
            setattr(self, name, value)  # calls __setattr__ again, and again

    def __getattr__(self, name):
        # Only called when normal lookup fails: look in the registries.
        for registry in ("_parameters", "_modules"):
            found = self.__dict__.get(registry, {})
            if name in found:
                return found[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def named_parameters(self, prefix="", seen=None):
        """(dotted name, Parameter) for this module's own Parameters, then each submodule's."""
        seen = set() if seen is None else seen
        for name, parameter in self._parameters.items():
            if parameter not in seen:
                seen.add(parameter)
                yield prefix + name, parameter
        for name, module in self._modules.items():
            yield from module.named_parameters(prefix + name + ".", seen)

    def parameters(self):
        for _, parameter in self.named_parameters():
            yield parameter
