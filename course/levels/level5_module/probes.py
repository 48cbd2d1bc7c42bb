"""Level 5's probes: modules, hooks and a call log built around a `Module` class (the learner's in the
sandbox, `torch.nn.Module` in the checks), which record what happens to them as plain data, so the
learner's class is judged by what the real one does with the very same subclass, hooks and data."""

from __future__ import annotations

from typing import Any


def _safe_name(value: Any) -> str:
    try:
        return type(value).__name__
    except BaseException:  # a learner's object may make even this fail
        return "object"


class CallLog:
    """What a module's forward and its hooks saw, in the order they ran. Each event is a tuple:
    ("pre-hook", hook, module, args), ("forward", module, args, kwargs) or
    ("forward hook", hook, module, args, output), where `module` is the tag of the module the call
    was given (or a description of whatever else it was given)."""

    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.modules: list[tuple[Any, str]] = []

    def tag_of(self, module: Any) -> str:
        for known, tag in self.modules:
            if known is module:
                return tag
        return f"a {_safe_name(module)} object that is not a module of this check"


def net_class(base: type) -> type:
    """`class Net(base)` with `forward(self, *args, **kwargs)` returning
    `args[0].flatten(1) @ weight + kwargs.get("shift", 0.0)`, which logs every call."""

    class Net(base):
        def forward(self, *args: Any, **kwargs: Any) -> Any:
            log, tag, weight = self._probe  # set on the class by `hooked_net`: not an attribute of the module
            log.events.append(("forward", tag, args, kwargs))
            if not args:
                return None
            return args[0].flatten(1) @ weight + kwargs.get("shift", 0.0)

    return Net


def hooked_net(base: type, log: CallLog, tag: str, weight: Any) -> Any:
    """A new `Net` module, as `Net()` makes it. The probe's own state sits on a class made for this
    one module, so that no `__setattr__` of the base class is involved."""
    cls = type("Net", (net_class(base),), {"_probe": (log, tag, weight)})
    module = cls()
    log.modules.append((module, tag))
    return module


PRE_HOOKS = {
    "peek": "returns None",
    "glance": "returns None",
    "halve": "returns a new tuple of args, each halved",
    "plus_one": "returns args[0] + 1, a single tensor rather than a tuple",
}
FORWARD_HOOKS = {
    "watch": "returns None",
    "note": "returns None",
    "double": "returns output * 2",
    "add_one": "returns output + 1",
}


def pre_hook(log: CallLog, name: str) -> Any:
    """A forward pre-hook, `hook(module, args)`, that logs its call and does what PRE_HOOKS says."""

    def hook(module: Any, args: Any) -> Any:
        log.events.append(("pre-hook", name, log.tag_of(module), args))
        if name == "halve":
            return tuple(a * 0.5 for a in args)
        if name == "plus_one":
            return args[0] + 1
        return None

    hook.__name__ = hook.__qualname__ = name
    return hook


def forward_hook(log: CallLog, name: str) -> Any:
    """A forward hook, `hook(module, args, output)`, that logs its call and does what FORWARD_HOOKS says."""

    def hook(module: Any, args: Any, output: Any) -> Any:
        log.events.append(("forward hook", name, log.tag_of(module), args, output))
        if name == "double":
            return output * 2
        if name == "add_one":
            return output + 1
        return None

    hook.__name__ = hook.__qualname__ = name
    return hook
