"""The mistakes beginners make most, named from the learner's file: when a check fails in a way one of
them explains, its cause goes first in the message, in plain words and with its line, and the
check's own message follows. Read from the file's text, never run.

- a method written without `self` (Python passes the object itself as the first argument);
- a dunder method set on the object (`self.__len__ = ...`), which Python never looks for there;
- an augmented assignment (`x -= m`) or an in-place method (`x.sub_(m)`) that changes what the
  method was given, where the check saw its input change;
- an assignment inside `__setattr__` (or a missing name read inside `__getattr__`) that calls the
  method again, without end;
- a list or a dict written in the class body and changed by the methods: one for every object."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

from ..core.syntax import parse

TAKES = re.compile(r"(\w+)\.(\w+)\(\) takes (\d+) positional arguments? but (\d+) (?:was|were) given")
# What Python says when it looks for a dunder on the class and finds none, by the dunder.
MISSING = {"__len__": "has no len()", "__call__": "is not callable", "__getitem__": "is not subscriptable",
           "__iter__": "is not iterable", "__next__": "is not an iterator", "__contains__": "is not a container",
           "__setitem__": "does not support item assignment", "__enter__": "does not support the context manager"}
IN_PLACE = re.compile(r"\.(add|sub|mul|div|clamp|copy|zero|fill|pow|neg|abs|sqrt|exp|log|mul|t|squeeze|"
                      r"unsqueeze|transpose)_\(")
CHANGED = ("had changed", "in place", "changed in place", "changed the")
MUTATING = {"append", "extend", "insert", "update", "add", "setdefault", "pop", "remove", "clear"}
SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Pow: "**",
           ast.MatMult: "@"}


@lru_cache(maxsize=8)
def parsed(path: Path, stamp: tuple[int, int]) -> ast.Module | None:
    try:
        return parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None


def learner_tree(path: Path) -> ast.Module | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return parsed(path, (info.st_mtime_ns, info.st_size))


def methods(tree: ast.Module) -> list[tuple[ast.ClassDef, ast.FunctionDef]]:
    return [(cls, item) for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef)
            for item in cls.body if isinstance(item, ast.FunctionDef)]


def cause(message: str, tree: ast.Module | None, method: str | None) -> tuple[str, int | None] | None:
    """The beginner's mistake that explains a failed check's `message`: its words, and the line it is
    on (None: the line the check points at already); None when none does."""
    if tree is None:
        return None
    for named in (without_self, set_on_the_object, changed_in_place, calls_itself):
        if (said := named(message, tree, method)) is not None:
            return said
    return None


def without_self(message: str, tree: ast.Module, method: str | None) -> tuple[str, int] | None:
    found = TAKES.search(message)
    if not found or int(found[4]) != int(found[3]) + 1:
        return None
    for cls, item in methods(tree):
        names = [arg.arg for arg in item.args.posonlyargs + item.args.args]
        if cls.name == found[1] and item.name == found[2] and (not names or names[0] != "self"):
            written = ", ".join(names)
            fixed = ", ".join(["self", *names])
            return (f"`def {item.name}({written})` (line {item.lineno}) has no `self`: Python passes the object "
                    f"itself as a method's first argument, so write `def {item.name}({fixed})`."), item.lineno
    return None


def set_on_the_object(message: str, tree: ast.Module, method: str | None) -> tuple[str, int] | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                dunder = getattr(target, "attr", "")
                said = MISSING.get(dunder)
                if said and isinstance(target.value, ast.Name) and target.value.id == "self" and said in message:
                    return (f"`self.{dunder} = ...` (line {node.lineno}) puts {dunder} on the object, but Python "
                            f"looks dunder methods up on the class, so it never finds it there. Write "
                            f"`def {dunder}(self, ...):` in the class body instead."), node.lineno
    return None


def changed_in_place(message: str, tree: ast.Module, method: str | None) -> tuple[str, int] | None:
    if method is None or not any(words in message for words in CHANGED):
        return None
    for _, item in methods(tree):
        if item.name != method:
            continue
        given = {arg.arg for arg in item.args.args[1:]}
        for node in ast.walk(item):
            target = getattr(node, "target", None)
            if isinstance(node, ast.AugAssign) and isinstance(target, ast.Name) and target.id in given:
                symbol = SYMBOLS.get(type(node.op), "")
                value = ast.unparse(node.value)
                return (f"In `{method}`, `{target.id} {symbol}= {value}` (line {node.lineno}) changes the "
                        f"tensor it was given, in place. Make a new one instead: `{target.id} = {target.id} "
                        f"{symbol} {value}`."), node.lineno
            if isinstance(node, ast.Call) and IN_PLACE.search(ast.unparse(node) + "("):
                return (f"In `{method}`, `{ast.unparse(node)}` (line {node.lineno}) changes a tensor in place (a "
                        "method ending in `_`). Use the method without `_` (or the operator) to make a new one."), \
                    node.lineno
    return None


def calls_itself(message: str, tree: ast.Module, method: str | None) -> tuple[str, None] | None:
    if "RecursionError" not in message or method is None:
        return None
    if method == "__setattr__":
        return ("Inside `__setattr__`, assigning an attribute (`self.name = value`, or `setattr(self, ...)`) calls "
                "`__setattr__` again, without end. Store the value with `object.__setattr__(self, name, value)`."), None
    if method in ("__getattr__", "__getattribute__"):
        return (f"Inside `{method}`, reading an attribute that is not there calls `{method}` again, without end. "
                "Look the name up in `self.__dict__` (or in a dict you keep) instead."), None
    return (f"`{method}` calls itself without end: the line below runs `{method}` again (as `len(self)` inside "
            "`__len__` would). Use the data you keep instead (`self.items`, say)."), None


def shared_in_the_class(tree: ast.Module | None) -> tuple[str, int] | None:
    """A list, dict or set written in a class body that the class's methods change: one for every
    object, where each object needs its own (level 5's hooks, say)."""
    if tree is None:
        return None
    for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
        shared = {target.id: node.lineno for node in cls.body if isinstance(node, ast.Assign)
                  and isinstance(node.value, ast.List | ast.Dict | ast.Set | ast.Call)
                  and (not isinstance(node.value, ast.Call) or ast.unparse(node.value.func) in ("list", "dict", "set"))
                  for target in node.targets if isinstance(target, ast.Name)}
        made = {node.targets[0].attr for item in cls.body if isinstance(item, ast.FunctionDef)
                for node in ast.walk(item)
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute)}
        for item in (item for item in cls.body if isinstance(item, ast.FunctionDef)):
            for node in ast.walk(item):
                for name in changed_or_handed_on(node):
                    if name not in shared or name in made:
                        continue
                    return (f"`{name} = ...` in the body of `class {cls.name}` (line {shared[name]}) is one object "
                            f"that every {cls.name} shares, so what one changes, all see. Make it in `__init__`: "
                            f"`self.{name} = ...`, one for each object."), shared[name]
    return None


def changed_or_handed_on(node: ast.AST) -> list[str]:
    """The attributes (`self.x`, `Class.x`) a node changes (`.append(...)`, `[k] = v`) or hands to a call,
    which may change them."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
        return [node.value.attr] if isinstance(node.value, ast.Attribute) else []
    if not isinstance(node, ast.Call):
        return []
    found = [arg.attr for arg in node.args if isinstance(arg, ast.Attribute)]
    method = node.func
    if isinstance(method, ast.Attribute) and method.attr in MUTATING and isinstance(method.value, ast.Attribute):
        found.append(method.value.attr)
    return found
