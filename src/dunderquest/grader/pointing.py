"""Which line of the learner's file a failed check points at, and in which of their methods: the line
an error of their code came from (for an endless recursion, the line that calls again), or the line
it was on when it was stopped; else the method whose call gave what the check found wrong (the last
of the learner's methods the check ran that the file writes); else the class the level asks for.
Read from the file's text, never run."""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.syntax import parse
from .messages import LearnerRaised

CLASS_LINE = ""  # a class's own `class` line, among its methods' lines
TOP = "<module>"  # the names the file binds at its top level (a def, an assignment, an import), with their lines


@lru_cache(maxsize=8)
def definitions(path: Path, stamp: tuple[int, int]) -> dict[str, dict[str, int]]:
    """Each class the file writes (nested ones too), with the line of each method in its body and of
    its own `class` line (under CLASS_LINE); empty for a file Python cannot read. `stamp` (mtime,
    size) keeps a changed file from being answered from the cache."""
    try:
        tree = parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return {}
    found: dict[str, dict[str, int]] = {TOP: {}}
    for node in tree.body:
        found[TOP].update({name: node.lineno for name in bound(node)})
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            lines = found.setdefault(node.name, {CLASS_LINE: node.lineno})
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines[item.name] = item.lineno
    return found


def bound(node: ast.stmt) -> list[str]:
    """The names a top-level statement binds."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [alias.asname or alias.name.split(".")[0] for alias in node.names]
    return [name.id for name in ast.walk(node) if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store)]


def point(exc: BaseException, sandbox: Any, classes: tuple[str, ...]) -> tuple[int | None, str | None]:
    """(the line, the method) a failed check points at in the learner's file; None for what is unknown."""
    line = getattr(exc, "line", None)
    if isinstance(line, int):
        function = exc.error.get("function") if isinstance(exc, LearnerRaised) else None
        return line, function if isinstance(function, str) and function != "<module>" else None
    try:
        info = sandbox.learner_file.stat()
        defs = definitions(sandbox.learner_file, (info.st_mtime_ns, info.st_size))
    except OSError:
        return None, None
    ran = list(reversed(sandbox.ran))
    for cls, method, _ in ran:
        if method in defs.get(cls, {}):
            return defs[cls][method], method
    for _, method, _ in ran:  # written in one class of the file only: an iterator class of its own, say
        written = [lines[method] for lines in defs.values() if method in lines]
        if len(written) == 1:
            return written[0], method
    for name in classes:  # the class, or what the file made of its name instead (a function, an import)
        if name in defs:
            return defs[name][CLASS_LINE], None
        if name in defs.get(TOP, {}):
            return defs[TOP][name], None
    return None, None
