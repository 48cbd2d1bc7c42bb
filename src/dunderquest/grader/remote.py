"""Objects that live in the sandbox, as the checks hold them.

A `Remote` stands for an object of the learner's code, and it is the one way a check runs that code:
Python's own protocols on it (call, `len()`, indexing, iteration, `next()`, `in`) are requests to its
sandbox (see proxy.py), which runs the learner's code over there under a deadline; its few methods
ask what no protocol can (`take`, `attribute`, `is_same_object`, `is_instance`, `value`, `info`).
Messages show it by its `expr`, and a hang while it runs comes with its `advice`: both are set with
`named`. `Named` gives a plain argument the name a message should show for it.
This module imports nothing of the grader but the wire format, so both the sandbox proxy and the
expectations can use it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import wire


@dataclass(frozen=True)
class Named:
    """An argument together with the name a message should use for it: `Named(image, "image")`."""

    value: Any
    name: str


class Remote:
    """An object that lives in the sandbox. Python's own protocols (call, len, [], iter, next, in)
    on it run the learner's code there."""

    __slots__ = ("_sandbox", "_id", "type_name", "text", "expr", "advice", "_generation")

    def __init__(self, sandbox: Any, node: dict, expr: str, generation: int, advice: str | None = None):
        self._sandbox = sandbox
        self._id = int(node["id"])
        self.type_name = str(node.get("type", "object"))
        self.text = str(node.get("text", ""))
        self.expr = expr
        self.advice = advice  # what a message says when running this object's code hangs
        self._generation = generation

    def _node(self) -> dict:
        """The reference to send; the sandbox refuses it if it came from a process it has since stopped."""
        return self._sandbox.node_of(self)

    def named(self, expr: str, *, on_timeout: str | None = None) -> Remote:
        """The same object, called `expr` in messages (`loader.named("l")`: `next(l)` raised ...); with
        `on_timeout`, what to tell the learner when its code hangs (it keeps its own otherwise)."""
        return Remote(self._sandbox, {"id": self._id, "type": self.type_name, "text": self.text}, expr,
                      self._generation, on_timeout or self.advice)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._sandbox.call(self, *args, kwargs=kwargs, on_timeout=self.advice)

    def __len__(self) -> int:
        return self._sandbox.len(self, on_timeout=self.advice)

    def __getitem__(self, key: Any) -> Any:
        return self._sandbox.getitem(self, key, on_timeout=self.advice)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._sandbox.setitem(self, key, value, on_timeout=self.advice)

    def __contains__(self, value: Any) -> bool:
        return self._sandbox.contains(self, value, on_timeout=self.advice)

    def __iter__(self) -> Remote:
        it = self._sandbox.iter(self, on_timeout=self.advice)
        return it.named(it.expr, on_timeout=self.advice) if isinstance(it, Remote) else it  # its advice too

    def __next__(self) -> Any:
        return self._sandbox.next(self, on_timeout=self.advice)

    def take(self, limit: int) -> tuple[list, bool]:
        """`list(self)`, but at most `limit` items (an endless iteration still answers), and whether the
        iteration ended by itself."""
        return self._sandbox.take(self, limit, on_timeout=self.advice)

    def attribute(self, name: str) -> Any:
        """`self.<name>`, as the object gives it."""
        return self._sandbox.getattr(self, name, on_timeout=self.advice)

    def is_same_object(self, other: Remote) -> bool:
        """`self is other`, in the sandbox."""
        return self._sandbox.is_same_object(self, other)

    def is_instance(self, of: Remote | str) -> bool:
        """`isinstance(self, of)`: `of` is a class of the sandbox, or the dotted name of a library class."""
        return self._sandbox.instance_of(self, of)

    def is_subclass(self, of: str) -> bool:
        """`issubclass(self, of)` for a class, `of` the dotted name of a library class."""
        return self._sandbox.instance_of(self, of, subclass=True)

    def value(self) -> Any:
        """What the object is now, as a plain value (a tensor, a number, a list of them ...): to see,
        say, whether the learner's code changed it in place."""
        return self._sandbox.fetch(self)

    def info(self) -> dict:
        """Whether it is a class (`is_type`), the dunder names its class has (`dunders`), and the names
        in its instance `__dict__` (`instance_dict`)."""
        return self._sandbox.info(self)

    def __bool__(self) -> bool:
        return True  # never a hidden remote len() call

    def __repr__(self) -> str:
        return f"<{self.type_name} from your code: {self.text}>"


def render(value: Any) -> str:
    """A value as a message shows it in a step: a Remote or a Named value by its name, a tensor by its shape."""
    if isinstance(value, Named):
        return value.name
    if isinstance(value, Remote):
        return value.expr
    if (torch := sys.modules.get("torch")) is not None and isinstance(value, torch.Tensor):
        return f"tensor of shape {list(value.shape)}"
    if type(value) in (list, tuple) and any(isinstance(v, Remote | Named) for v in value):
        inner = ", ".join(map(render, value)) + ("," if len(value) == 1 and type(value) is tuple else "")
        return f"[{inner}]" if type(value) is list else f"({inner})"
    return wire.shorten(repr(value), 40)


def call_text(callee: str, args: Sequence[Any], kwargs: dict[str, Any]) -> str:
    """`callee(a, b, k=v)`, as a message shows a call."""
    return f"{callee}({', '.join([*map(render, args), *(f'{k}={render(v)}' for k, v in kwargs.items())])})"
