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
    """What a module's forward and its hooks saw, in the order they ran. Each event is a pair: what ran
    ("pre-hook peek on m", "forward of m" or "forward hook watch on m", where m is the tag of the module
    the call was given, or a description of whatever else it was given), and what it was given, by name:
    {"args": ...} for a pre-hook, {"args": ..., "kwargs": ...} for forward, {"args": ..., "output": ...}
    for a forward hook."""

    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.modules: list[tuple[Any, str]] = []

    def tag_of(self, module: Any) -> str:
        for known, tag in self.modules:
            if known is module:
                return tag
        return f"a {_safe_name(module)} object that is not a module of this check"


def hooked_net(base: type, log: CallLog, tag: str, weight: Any) -> Any:
    """A new `Net` module, as `Net()` makes it: `class Net(base)` whose `forward(self, *args, **kwargs)`
    logs every call and returns `args[0].flatten(1) @ weight + kwargs.get("shift", 0.0)`. The probe's own
    state is in the class's closure, made for this one module, so no `__setattr__` of the base is involved."""

    class Net(base):
        def forward(self, *args: Any, **kwargs: Any) -> Any:
            log.events.append((f"forward of {tag}", {"args": args, "kwargs": kwargs}))
            if not args:
                return None
            return args[0].flatten(1) @ weight + kwargs.get("shift", 0.0)

    module = Net()
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


def hook(log: CallLog, name: str) -> Any:
    """A forward pre-hook, `hook(module, args)`, for a name of PRE_HOOKS, or a forward hook,
    `hook(module, args, output)`, for one of FORWARD_HOOKS: it logs its call and does what those say."""

    def pre_hook(module: Any, args: Any) -> Any:
        log.events.append((f"pre-hook {name} on {log.tag_of(module)}", {"args": args}))
        if name == "halve":
            return tuple(a * 0.5 for a in args)
        return args[0] + 1 if name == "plus_one" else None

    def forward_hook(module: Any, args: Any, output: Any) -> Any:
        log.events.append((f"forward hook {name} on {log.tag_of(module)}", {"args": args, "output": output}))
        if name == "double":
            return output * 2
        return output + 1 if name == "add_one" else None

    chosen = pre_hook if name in PRE_HOOKS else forward_hook
    chosen.__name__ = chosen.__qualname__ = name
    return chosen
