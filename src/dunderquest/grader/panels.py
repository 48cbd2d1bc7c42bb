"""The game's MNIST panel, drawn by the level itself: a level whose level.toml names a panel file
(`panel = "panel.py"`) has that file's `draw(sandbox, mnist, level, start)` build the panel with the
checking module's panel parts (panel_parts.py). Runs in the grader's process, with the learner's
code in a sandbox, like the checks."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.catalog import Level
from ..core.data import MnistSource
from ..core.panel_data import Panel
from .proxy import SandboxProxy
from .reference import Mnist

if TYPE_CHECKING:
    from .service.processes import SandboxSource


def panel_module(level: Level):
    """The level's panel file, imported in this process once (later calls give the same module)."""
    path = level.panel_path
    name = f"{level.id}_panel"
    known = sys.modules.get(name)
    if known is not None and getattr(known, "__file__", None) == str(path):
        return known
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def mnist_panel(level: Level, learner_file: Path, start: int, *, source: MnistSource,
                sandboxes: SandboxSource) -> dict:
    """Up to WINDOW digits from `start`, as JSON for the game (`Panel.to_json()`). A problem in the
    learner's code becomes an item's `error`; the level's `draw` never raises for it."""
    if level.panel_path is None:  # a level without a panel
        return Panel([], 0, source.description).to_json()
    draw = panel_module(level).draw
    sandbox = SandboxProxy(learner_file, level.exercise_path, sandboxes=sandboxes, module_name=level.folder.name,
                           probes=level.probes_path)
    try:
        return draw(sandbox, Mnist(source), level, start).to_json()
    finally:
        sandbox.close()
