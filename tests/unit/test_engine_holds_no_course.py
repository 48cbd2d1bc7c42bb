"""The engine holds no course: every class the built-in course asks for is named only by the course
itself (its level.toml files, checks, probes, panels and pack.toml's finale). Nothing in
src/dunderquest looks one up by name or words a message about it, so a course pack gets the same
engine the built-in course gets."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dunderquest.core.pack import builtin_pack

SOURCE = Path(__file__).resolve().parents[2] / "src" / "dunderquest"
COURSE_CLASSES = sorted({name for level in builtin_pack().catalog for name in level.classes})


def pytorch_names() -> set[str]:
    import torch
    import torch.nn
    import torch.utils.data
    import torchvision.transforms

    return {name for module in (torch, torch.nn, torch.utils.data, torchvision.transforms) for name in dir(module)}


def strings(path: Path) -> list[tuple[int, str]]:
    """Every string in the file, docstrings included, with its line."""
    return [(node.lineno, node.value) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


@pytest.mark.parametrize("path", sorted(SOURCE.rglob("*.py")), ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_module_names_a_class_of_the_built_in_course(path):
    """No string is a course class's name (a lookup such as `learner_class("Numbers")`), and none
    names a class that only the course has (not PyTorch's) as code: `Numbers(`, `class Double`,
    `` `ExampleLoader` ``."""
    own = [name for name in COURSE_CLASSES if name not in pytorch_names()]
    assert {"Double", "Numbers", "ExampleLoader"} <= set(own)  # the test knows what it looks for
    as_code = re.compile("|".join(rf"\b{name}\(|class {name}\b|`{name}\b" for name in own))
    found = [(line, text) for line, text in strings(path) if text in COURSE_CLASSES or as_code.search(text)]
    assert found == [], f"{path.relative_to(SOURCE)} names the course's classes: {found}"
