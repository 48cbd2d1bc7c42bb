"""Level 6's probes: reports of what `named_parameters()` and attribute lookups give on a module tree
built around a `Module` class (the learner's in the sandbox, `torch.nn.Module` in the checks: the
makers' `module_tree`), as plain data, for the checks to compare."""

from __future__ import annotations

import itertools
from typing import Any

import torch


def _safe_name(value: Any) -> str:
    try:
        return type(value).__name__
    except BaseException:  # a learner's object may make even this fail
        return "object"


def assign_parameter(module: Any, made: Any, name: str, value: Any) -> Any:
    """`module.<name> = Parameter(value)`, the new Parameter recorded in `made`; the module back."""
    setattr(module, name, made.add(torch.nn.Parameter(value.clone())))
    return module


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


def parameter_report(module: Any, made: Any, method: str, limit: int = 1000) -> list:
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


def attribute_report(module: Any, made: Any, path: str) -> list:
    """`module.a.b` for the path "a.b", as `[index in made, type name, value]`."""
    value = module
    for part in path.split("."):
        value = getattr(value, part)
    return [made.index_of(value), _safe_name(value), _sendable(value)]
