"""The module_repr level's probes: module trees built from a spec around a base class, the same way
on both sides of the trust boundary: around the learner's Module in the sandbox, and around
torch.nn.Module in the grader. The checks compare what `repr()` prints for the two."""

from __future__ import annotations

from typing import Any


def tree(base: type, node: dict) -> Any:
    """A module of a new subclass of `base` named `node["class"]`, whose `extra_repr()` is
    `node["extra"]`, and which assigns `node["children"]` to itself in order, each
    `[name, kind, payload]`: "module" a nested node, "linear" a torch.nn.Linear(*payload), "relu" a
    torch.nn.ReLU, "plain" the payload itself (a number, not a module)."""
    import torch

    def build(kind: str, payload: Any) -> Any:
        if kind == "module":
            return tree(base, payload)
        if kind == "linear":
            return torch.nn.Linear(*payload)
        if kind == "relu":
            return torch.nn.ReLU()
        return payload

    def __init__(self) -> None:
        base.__init__(self)
        for name, kind, payload in node["children"]:
            setattr(self, name, build(kind, payload))

    def extra_repr(self) -> str:
        return node["extra"]

    cls = type(node["class"], (base,), {"__init__": __init__, "extra_repr": extra_repr})
    return cls()


def printed(module: Any) -> Any:
    """`repr(module)`, which runs the learner's `__repr__`."""
    return repr(module)
