"""The lesson, as the game shows it: the level's lesson.md drawn by Rich's Markdown in one Static.

The Markdown widget mounts a widget per block, which costs about a quarter of a second of first
paint for a lesson; one Static does not. For the first paint, the lesson is drawn by `first_draw`, a
few lines that know the little Markdown lessons use (headings, paragraphs, lists, code) and look like
Rich's: Rich's Markdown, with Pygments behind it for the code, takes longer to import and to run
than the rest of the screen. Once the screen is up, Rich draws it again, with the code coloured."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.widgets import Static

from ..core.catalog import Level

INLINE = re.compile(r"`([^`]+)`|\*\*(.+?)\*\*|(?<![\w*])[*_](?![\s*_])(.+?)(?<![\s*_])[*_](?![\w*])")
STYLES = {"h1": "bold underline", "h2": "magenta underline", "h3": "bold magenta", "code": "bold cyan on black",
          "code_block": "#f8f8f2 on #272822", "bullet": "bold"}


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


def inline(text: str, style: str = "") -> Text:
    """A paragraph's text, its `code`, **strong** and *em* styled as Rich's Markdown styles them."""
    out, last = Text(style=style), 0
    for match in INLINE.finditer(text):
        out.append(text[last:match.start()])
        code, strong, em = match.groups()
        out.append(code, STYLES["code"]) if code is not None else out.append_text(
            inline(strong, "bold") if strong is not None else inline(em, "italic"))
        last = match.end()
    out.append(text[last:])
    return out


def first_draw(markdown: str) -> Group:
    """The lesson as a few styled blocks, for the first paint (see the module's docstring)."""
    blocks: list[Any] = []
    paragraph: list[str] = []
    code: list[str] | None = None

    def end_paragraph() -> None:
        if paragraph:
            blocks.extend([inline(" ".join(paragraph)), Text()])
            paragraph.clear()

    for line in markdown.splitlines():
        if code is not None:
            if line.startswith("```"):
                blocks.extend([Padding(Text("\n".join(code), no_wrap=True), 1, style=STYLES["code_block"]), Text()])
                code = None
            else:
                code.append(line)
        elif line.startswith("```"):
            end_paragraph()
            code = []
        elif heading := re.match(r"^(#{1,6}) (.*)$", line):
            end_paragraph()
            tag = f"h{min(len(heading[1]), 3)}"
            blocks.extend([inline(heading[2], STYLES[tag]), Text()])
            blocks[-2].justify = "center" if tag == "h1" else "left"
        elif item := re.match(r"^(\s*)([-*]|\d+\.) (.*)$", line):
            end_paragraph()
            mark = " • " if item[2] in "-*" else f" {item[2]} "
            blocks.append(Text.assemble(item[1], (mark, STYLES["bullet"]), inline(item[3])))
        elif line.strip():
            paragraph.append(line.strip())
        else:
            end_paragraph()
            if blocks and isinstance(blocks[-1], Text) and blocks[-1].plain and not blocks[-1].plain.startswith(" "):
                blocks.append(Text())
    end_paragraph()
    return Group(*blocks)


class Lesson(Static):
    """A level's lesson: drawn quickly for the first paint, then by Rich's Markdown, its code coloured."""

    def show(self, level: Level, *, coloured: bool) -> None:
        if not coloured:
            self.update(first_draw(level.lesson()))
            return
        from rich.markdown import Markdown

        self.update(DrawnOnce(Markdown(level.lesson(), code_theme="monokai")))
