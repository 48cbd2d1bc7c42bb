"""Level 6's probes: module trees built from a spec around a `Module` class (the learner's in the
sandbox, `torch.nn.Module` in the checks), and reports of what `named_parameters()` and attribute
lookups give, as plain data, for the checks to compare."""

from __future__ import annotations

import itertools
from typing import Any

import torch


def _safe_name(value: Any) -> str:
    try:
        return type(value).__name__
    except BaseException:  # a learner's object may make even this fail
        return "object"


class Made:
    """Every object a module tree was given (Parameters, submodules, plain values), in the order it
    was made, so a report can tell the very objects from copies of them."""

    def __init__(self) -> None:
        self.objects: list = []

    def add(self, value: Any) -> Any:
        self.objects.append(value)
        return value

    def index_of(self, value: Any) -> int:
        return next((i for i, known in enumerate(self.objects) if known is value), -1)


def module_tree(base: type, spec: list, made: Made) -> Any:
    """A `Model(base)` that assigns, in order, each `[name, kind, payload]` of `spec` to itself:
    "param" a new Parameter of the payload tensor, "module" a nested Model of the payload spec,
    "same" the object made earlier at the payload's index (a shared Parameter), and "plain" the payload
    itself (a tensor or a number), which is not a Parameter."""
    class Model(base):
        def __init__(self, spec: list) -> None:
            super().__init__()
            for name, kind, payload in spec:
                setattr(self, name, build(kind, payload))

    def build(kind: str, payload: Any) -> Any:
        if kind == "param":
            return made.add(torch.nn.Parameter(payload.clone()))
        if kind == "module":
            return made.add(Model(payload))
        if kind == "same":
            return made.objects[payload]
        return made.add(payload)

    return made.add(Model(spec))


def new_parameter(made: Made, value: Any) -> Any:
    return made.add(torch.nn.Parameter(value.clone()))


def assign(target: Any, name: str, value: Any) -> Any:
    """`setattr(target, name, value)`, and the target back."""
    setattr(target, name, value)
    return target


def early_model(base: type, what: str) -> Any:
    """`Model()`, whose `__init__` assigns an attribute before it calls `super().__init__()`: a
    Parameter, a submodule, or a plain number."""
    class Model(base):
        def __init__(self) -> None:
            if what == "param":
                self.weight = torch.nn.Parameter(torch.zeros(3))
            elif what == "module":
                self.block = base()
            else:
                self.size = 3
            super().__init__()

    return Model()


def _sendable(value: Any) -> Any:
    if type(value) in (torch.Tensor, torch.nn.Parameter, int, float, str, bool) or value is None:
        return value
    return f"a {_safe_name(value)} object"


def parameter_report(module: Any, made: Made, method: str, limit: int = 1000) -> list:
    """What `module.named_parameters()` or `module.parameters()` gives, as plain data: for each item
    `[name, index in made (-1: not an object the tree was given), type name, value]`."""
    report = []
    for item in itertools.islice(getattr(module, method)(), limit):
        name = None
        if method == "named_parameters":
            if not isinstance(item, tuple | list) or len(item) != 2:
                report.append([None, -1, _safe_name(item), _sendable(item)])
                continue
            name, item = item
            name = name if type(name) is str else _sendable(name)
        report.append([name, made.index_of(item), _safe_name(item), _sendable(item)])
    return report


def attribute_report(module: Any, made: Made, path: str) -> list:
    """`module.a.b` for the path "a.b", as `[index in made, type name, value]`."""
    value = module
    for part in path.split("."):
        value = getattr(value, part)
    return [made.index_of(value), _safe_name(value), _sendable(value)]
