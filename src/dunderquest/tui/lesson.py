"""The lesson, as the game shows it: the level's lesson.md drawn by Rich's Markdown in one Static.

The Markdown widget mounts a widget per block, which costs about a quarter of a second of first
paint for a lesson; one Static does not. Until the first paint, the code blocks are shown plain: the
first Python highlighting (Pygments compiling its rules) takes longer than the rest of the screen."""

from __future__ import annotations

import re
from typing import Any

from rich.markdown import Markdown as RichMarkdown
from textual.widgets import Static

from ..core.catalog import Level


class DrawnOnce:
    """A Rich renderable drawn once for each width: while a screen is laid out, a Static asks for its
    lines several times, and Rich's Markdown highlights every code block of the lesson each time."""

    def __init__(self, renderable: Any):
        self.renderable = renderable
        self.lines: dict[int, list] = {}

    def __rich_console__(self, console: Any, options: Any) -> Any:
        lines = self.lines.get(options.max_width)
        if lines is None:
            lines = self.lines[options.max_width] = console.render_lines(self.renderable, options, pad=False,
                                                                         new_lines=True)
        for line in lines:
            yield from line

    def __getattr__(self, name: str) -> Any:  # the Markdown's own attributes (its `markup`)
        return getattr(self.renderable, name)

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.renderable)


class Lesson(Static):
    """A level's lesson; its code coloured once `coloured` (after the first paint)."""

    def show(self, level: Level, *, coloured: bool) -> None:
        text = level.lesson()
        if not coloured:
            text = re.sub(r"^```(python|py)\s*$", "```text", text, flags=re.M)
        self.update(DrawnOnce(RichMarkdown(text, code_theme="monokai")))
