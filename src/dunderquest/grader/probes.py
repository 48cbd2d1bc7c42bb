"""Probes for the checks of levels 5 to 7: modules, hooks and module trees built around a `Module`
class, which record what happens to them as plain data, and what a DataLoader is given.

The same code runs on both sides of the trust boundary. In the sandbox (through `op_make`, see
`KINDS`) it is built around the learner's `Module`; in the grader it is built around
`torch.nn.Module`. The checks compare the two records, so the learner's class is judged by what the
real one does with the very same subclass, hooks and data. Nothing here trusts the learner's objects:
every look at them is guarded, so a broken class is recorded, not crashed on.
"""

from __future__ import annotations

import itertools
from typing import Any


def _safe_name(value: Any) -> str:
    try:
        return type(value).__name__
    except BaseException:  # a learner's object may make even this fail
        return "object"


# -- level 5: forward hooks ------------------------------------------------------------------------


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


def call_with(fn: Any, arg: Any, **kwargs: Any) -> Any:
    """`fn(arg, **kwargs)`: a call with keyword arguments (each sent on its own, so it may be an
    object that lives in the sandbox)."""
    return fn(arg, **kwargs)


# -- level 6: parameters and submodules -----------------------------------------------------------


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
    import torch

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
    import torch

    return made.add(torch.nn.Parameter(value.clone()))


def assign(target: Any, name: str, value: Any) -> Any:
    """`setattr(target, name, value)`, and the target back."""
    setattr(target, name, value)
    return target


def early_model(base: type, what: str) -> Any:
    """`Model()`, whose `__init__` assigns an attribute before it calls `super().__init__()`: a
    Parameter, a submodule, or a plain number."""
    import torch

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
    import torch

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


# -- level 7: the DataLoader ----------------------------------------------------------------------


class MnistItems:
    """Some MNIST training items as a map-style dataset: (image, int label), the image as ToTensor()
    makes it. They are cut from the images already converted, so reading one decodes nothing."""

    def __init__(self, images: Any, labels: Any, indices: list[int]) -> None:
        self.images = images[indices]
        self.labels = labels[indices].tolist()

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple:
        return self.images[index], self.labels[index]


def seeded_generator(seed: int) -> Any:
    """`torch.Generator().manual_seed(seed)`, for a DataLoader to shuffle with."""
    import torch

    return torch.Generator().manual_seed(seed)


# -- the kinds the sandbox builds (see sandbox_server.Server.op_make) ------------------------------

KINDS = {
    "call_log": CallLog,
    "hooked_net": hooked_net,
    "pre_hook": pre_hook,
    "forward_hook": forward_hook,
    "call_with": call_with,
    "made": Made,
    "module_tree": module_tree,
    "new_parameter": new_parameter,
    "assign": assign,
    "early_model": early_model,
    "parameter_report": parameter_report,
    "attribute_report": attribute_report,
    "seeded_generator": seeded_generator,
    "mnist_items": MnistItems,
}
