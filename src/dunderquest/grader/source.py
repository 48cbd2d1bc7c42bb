"""What the learner's file says, read as text by the trusted side. It is parsed, never run.

The sandbox answers structural questions (is `Double` a class? does `iter(l)` return `l`?) from
inside a process the learner's code controls, so those answers could be forged. The checks confirm
each such answer here, from the source itself, where nothing can be forged.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ClassSource:
    name: str
    line: int
    bases: list[str]  # dotted names, with imports resolved: "torch.utils.data.Dataset"
    members: dict[str, ast.AST] = field(default_factory=dict)  # methods and assignments in the body


@dataclass
class Source:
    classes: dict[str, ClassSource]  # top-level classes by name
    readable: bool  # False when the file does not parse (the sandbox reports the syntax error)

    def defines(self, class_name: str, member: str) -> bool:
        """Whether `member` is defined in the class's body or in the body of a base class that is
        defined in the same file."""
        seen: set[str] = set()
        todo = [class_name]
        while todo:
            name = todo.pop()
            if name in seen or name not in self.classes:
                continue
            seen.add(name)
            cls = self.classes[name]
            if member in cls.members:
                return True
            todo += [base for base in cls.bases if base in self.classes]
        return False

    def outside_bases(self, class_name: str) -> list[str]:
        """The bases (transitively, through classes in this file) that come from elsewhere."""
        out, seen, todo = [], set(), [class_name]
        while todo:
            name = todo.pop()
            if name in seen or name not in self.classes:
                continue
            seen.add(name)
            for base in self.classes[name].bases:
                (todo if base in self.classes else out).append(base)
        return out

    def returns_self(self, class_name: str, method: str) -> bool:
        """Whether the method (in the class or an in-file base) has a `return self`."""
        for name in [class_name, *self._in_file_bases(class_name)]:
            node = self.classes[name].members.get(method) if name in self.classes else None
            if isinstance(node, ast.FunctionDef):
                return any(isinstance(n, ast.Return) and isinstance(n.value, ast.Name) and n.value.id == "self"
                           for n in ast.walk(node))
        return False

    def _in_file_bases(self, class_name: str) -> list[str]:
        cls = self.classes.get(class_name)
        return [b for b in cls.bases if b in self.classes] if cls else []


def read_source(path: Path | str) -> Source:
    try:
        tree = ast.parse(Path(path).read_bytes(), filename=str(path))
    except (SyntaxError, ValueError, OSError):
        return Source({}, readable=False)
    imports: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    imports[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    classes = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members: dict[str, ast.AST] = {}
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    members[item.name] = item
                elif isinstance(item, ast.Assign):
                    for target in item.targets:
                        if isinstance(target, ast.Name):
                            members[target.id] = item
            bases = [_dotted(base, imports) for base in node.bases]
            classes[node.name] = ClassSource(node.name, node.lineno, [b for b in bases if b], members)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.FunctionDef):
            # A later top-level assignment or def replaces a class of the same name.
            names = ([t.id for t in node.targets if isinstance(t, ast.Name)] if isinstance(node, ast.Assign)
                     else [node.target.id] if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                     else [node.name] if isinstance(node, ast.FunctionDef) else [])
            for name in names:
                classes.pop(name, None)
    return Source(classes, readable=True)


def _dotted(node: ast.AST, imports: dict[str, str]) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    head = imports.get(node.id, node.id)
    return ".".join([head, *reversed(parts)])


def is_subclass_of(dotted: str, base: Any) -> bool:
    """Whether a dotted name from the learner's imports names a subclass of `base`. Only names in
    torch (a trusted library) are looked up; the learner's own modules are never imported."""
    if not dotted.startswith("torch."):
        return False
    module_name, _, attr = dotted.rpartition(".")
    try:
        value = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError):
        return False
    return isinstance(value, type) and issubclass(value, base)
