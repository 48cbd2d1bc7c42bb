# Registries reached through __getattr__, and named_parameters built on a named_modules walk, as
# PyTorch itself does.
import torch


class Module:
    def __init__(self) -> None:
        self.__dict__["_parameters"] = {}
        self.__dict__["_modules"] = {}

    def __getattr__(self, name):
        registries = self.__dict__.get("_parameters", {}), self.__dict__.get("_modules", {})
        for registry in registries:
            if name in registry:
                return registry[name]
        raise AttributeError(name)

    def __setattr__(self, name, value) -> None:
        parameters = self.__dict__.get("_parameters")
        modules = self.__dict__.get("_modules")
        if isinstance(value, torch.nn.Parameter):
            if parameters is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self.__dict__.pop(name, None)
            modules.pop(name, None)
            parameters[name] = value
        elif isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self.__dict__.pop(name, None)
            parameters.pop(name, None)
            modules[name] = value
        else:
            object.__setattr__(self, name, value)

    def named_modules(self, memo=None, prefix=""):
        memo = set() if memo is None else memo
        if self in memo:
            return
        memo.add(self)
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(memo, prefix + ("." if prefix else "") + name)

    def named_parameters(self):
        seen = set()
        for prefix, module in self.named_modules():
            for name, parameter in module._parameters.items():
                if parameter in seen:
                    continue
                seen.add(parameter)
                yield (prefix + "." if prefix else "") + name, parameter

    def parameters(self):
        for _, parameter in self.named_parameters():
            yield parameter
