"""Objects that live in the sandbox, as the checks hold them.

A `Remote` stands for an object of the learner's code: Python's own protocols on it (call, `len()`,
indexing, iteration, `in`) are requests to its sandbox (see proxy.py), which runs the learner's
code over there under a deadline. `Named` gives an argument the name a message should show for it.
This module imports nothing of the grader, so both the sandbox proxy and the expectations can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sandbox import Sandbox


@dataclass(frozen=True)
class Named:
    """An argument together with the name a message should use for it: `Named(image, "image")`."""

    value: Any
    name: str


class Remote:
    """An object that lives in the sandbox. Python's own protocols (call, len, [], iter, next, in)
    on it run the learner's code there."""

    __slots__ = ("_sandbox", "_id", "type_name", "text", "expr", "_generation")

    def __init__(self, sandbox: Sandbox, node: dict, expr: str, generation: int):
        self._sandbox = sandbox
        self._id = int(node["id"])
        self.type_name = str(node.get("type", "object"))
        self.text = str(node.get("text", ""))
        self.expr = expr
        self._generation = generation

    def _node(self) -> dict:
        """The reference to send; the sandbox refuses it if it came from a process it has since stopped."""
        return self._sandbox.node_of(self)

    def named(self, expr: str) -> Remote:
        """The same object, called `expr` in messages."""
        return Remote(self._sandbox, {"id": self._id, "type": self.type_name, "text": self.text}, expr,
                      self._generation)

    def __call__(self, *args: Any, **kw: Any) -> Any:
        return self._sandbox.call(self, *args, **kw)

    def __len__(self) -> int:
        return self._sandbox.len(self)

    def __getitem__(self, key: Any) -> Any:
        return self._sandbox.getitem(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._sandbox.setitem(self, key, value)

    def __contains__(self, value: Any) -> bool:
        return self._sandbox.contains(self, value)

    def __iter__(self) -> Remote:
        return self._sandbox.iter(self)

    def __next__(self) -> Any:
        return self._sandbox.next(self)

    def __bool__(self) -> bool:
        return True  # never a hidden remote len() call

    def __repr__(self) -> str:
        return f"<{self.type_name} from your code: {self.text}>"
