"""What the learner's file says, read as text by the trusted side. It is parsed, never run.

The sandbox answers structural questions (is `Shapes` a class? does `iter(l)` return `l`?) from
inside a process the learner's code controls, so those answers could be forged. The checks confirm
each such answer here, from the source itself, where nothing can be forged.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.syntax import parse

# Libraries whose classes a learner may inherit from, looked up (never the learner's own modules).
TRUSTED = ("torch", "collections", "typing")


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
    nested: dict[str, set[str]] = field(default_factory=dict)  # classes not at the top level: their methods
    # Every dotted name the file imports (anywhere in it), or reaches as an attribute of a name: `torch.nn`,
    # `torchvision.transforms.ToTensor`; in the order they appear, the names imported at the top level resolved.
    imports: list[str] = field(default_factory=list)

    def _lineage(self, class_name: str) -> tuple[list[ClassSource], list[str]]:
        """The class and its in-file bases, nearest first; and the bases that come from elsewhere."""
        mine, outside, seen, todo = [], [], set(), [class_name]
        while todo:
            name = todo.pop(0)
            if name in seen or name not in self.classes:
                continue
            seen.add(name)
            mine.append(self.classes[name])
            for base in self.classes[name].bases:
                (todo if base in self.classes else outside).append(base)
        return mine, outside

    def member(self, class_name: str, name: str) -> ast.AST | None:
        """The definition of `name` in the class or the nearest in-file base that has one."""
        for cls in self._lineage(class_name)[0]:
            if name in cls.members:
                return cls.members[name]
        return None

    def outside_bases(self, class_name: str) -> list[str]:
        return self._lineage(class_name)[1]

    def defines(self, class_name: str, name: str) -> bool:
        """Whether `name` is defined in the class, an in-file base, or a library base class."""
        if self.member(class_name, name) is not None:
            return True
        for base in self.outside_bases(class_name):
            value = resolve(base)
            value = getattr(value, "__origin__", value)  # typing.Iterator -> collections.abc.Iterator
            if any(name in vars(klass) for klass in getattr(value, "__mro__", ())[:-1]):
                return True
        return False

    def has_class_with(self, class_name: str, method: str) -> bool:
        """Whether the file has a class `class_name` with `method`: at the top level (from a base too),
        or elsewhere (nested in another class, as `DataLoader._Iter`), written in its body."""
        if class_name in self.classes:
            return self.defines(class_name, method)
        return method in self.nested.get(class_name, set())

    def gives_back_self(self, class_name: str, method: str) -> bool:
        """Whether the method gives back `self`: as written in the file, or as a library base class
        defines it (`__iter__` from `collections.abc.Iterator`, say) when the file writes none."""
        return self.returns_self(class_name, method) or (
            self.member(class_name, method) is None and self.defines(class_name, method))

    def returns_self(self, class_name: str, method: str) -> bool:
        """Whether the method, as written in the file, gives back `self`."""
        node = self.member(class_name, method)
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Lambda):
            return _is_self(node.value.body)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return any(isinstance(n, ast.Return) and _is_self(n.value) for n in ast.walk(node))
        return False


def _is_self(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _class_members(body: list[ast.stmt], members: dict[str, ast.AST]) -> None:
    for item in body:
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            members[item.name] = item
        elif isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    members[target.id] = item
        elif isinstance(item, ast.AnnAssign) and item.value is not None and isinstance(item.target, ast.Name):
            members[item.target.id] = item
        elif isinstance(item, ast.If | ast.Try | ast.With):
            for block in (getattr(item, "body", []), getattr(item, "orelse", []), getattr(item, "finalbody", [])):
                _class_members(block, members)


GRADER_PACKAGE = "dunderquest"


def _names_the_grader(name: object) -> bool:
    return isinstance(name, str) and (name == GRADER_PACKAGE or name.startswith(GRADER_PACKAGE + "."))


def grader_imports(text: bytes) -> list[int]:
    """The lines where a learner's file imports dunderquest itself (`import dunderquest...`, `from
    dunderquest... import`, `__import__("dunderquest...")`, `importlib.import_module("dunderquest...")`):
    the grader's own package, reference solutions included, which a solution may not use. Read from
    the file's text, which the learner's code cannot change. A file that does not parse has none
    (the sandbox reports its syntax error)."""
    try:
        tree = parse(text)
    except (SyntaxError, ValueError):
        return []
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(_names_the_grader(alias.name) for alias in node.names):
            lines.add(node.lineno)
        elif isinstance(node, ast.ImportFrom) and not node.level and _names_the_grader(node.module):
            lines.add(node.lineno)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in ("__import__", "import_module") and _names_the_grader(node.args[0].value):
                lines.add(node.lineno)
    return sorted(lines)


def not_text(data: bytes) -> tuple[int, str] | None:
    """(line, what is wrong) when a file's bytes are not text in the encoding Python reads it in
    (UTF-8, or what a coding line declares), as `python file.py` would refuse it; None when they are."""
    import io
    import tokenize

    encoding = "utf-8"
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as err:  # a coding line naming an unknown encoding, or no UTF-8 in the first lines
        encoding = "utf-8"
        declared = err.msg
    else:
        declared = None
    try:
        data.decode(encoding)
        if declared:
            return 1, declared
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        name = "UTF-8" if encoding.replace("_", "-").lower() in ("utf-8", "utf-8-sig") else encoding
        return line, f"line {line} holds the byte 0x{data[err.start]:02x}, which is not {name} text"
    return None


def read_source(path: Path | str) -> Source:
    try:
        tree = parse(Path(path).read_bytes(), filename=str(path))
    except (SyntaxError, ValueError, OSError):
        return Source({}, readable=False)
    imports: dict[str, str] = {}
    starred: list[str] = []  # modules imported with `from m import *`
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
                if alias.name == "*":
                    starred.append(node.module)
                else:
                    imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    classes = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members: dict[str, ast.AST] = {}
            _class_members(node.body, members)
            bases = [_dotted(base, imports, starred, classes) for base in node.bases]
            classes[node.name] = ClassSource(node.name, node.lineno, [b for b in bases if b], members)
        else:
            # A later top-level assignment or def replaces a class of the same name.
            for name in _bound_names(node):
                classes.pop(name, None)
    nested: dict[str, set[str]] = {}
    used: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node not in tree.body:
            nested.setdefault(node.name, set()).update(f.name for f in node.body if isinstance(f, ast.FunctionDef))
        elif isinstance(node, ast.Import):
            used += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            used += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")]
        elif isinstance(node, ast.Attribute) and (dotted := _dotted(node, imports, [], classes)):
            used.append(dotted)
    return Source(classes, readable=True, nested=nested, imports=used)


def _bound_names(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return [node.name]
    return []


def _dotted(node: ast.AST, imports: dict[str, str], starred: list[str], classes: dict) -> str | None:
    if isinstance(node, ast.Subscript):  # Dataset[tuple], Iterator[int]
        node = node.value
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    head = imports.get(node.id)
    if head is None and node.id not in classes:
        # A name from `from torch.utils.data import *`, if one of the starred modules has it.
        head = next((f"{module}.{node.id}" for module in starred if resolve(f"{module}.{node.id}")), node.id)
    return ".".join([head or node.id, *reversed(parts)])


def resolve(dotted: str) -> Any:
    """The object a dotted name from a trusted library names, or None. The learner's own modules
    are never imported."""
    if dotted.split(".")[0] not in TRUSTED:
        return None
    module_name, _, attr = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError):
        return None


def is_subclass_of(dotted: str, base: Any) -> bool:
    """Whether a dotted name from the learner's imports names a subclass of `base`."""
    value = resolve(dotted)
    return isinstance(value, type) and issubclass(value, base)
