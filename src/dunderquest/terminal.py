"""What a command writes to, and Markdown drawn for it: a learner reads lessons and hints in their
own terminal (from `dunderquest lesson`, `hint` and `watch`) as the game shows them."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TextIO


@dataclass
class Terminal:
    """What a command writes to: its width and height, the colours it shows (Rich's colour systems:
    "truecolor", "256", "standard", or None for none), and whether it is a terminal at all."""

    width: int | None = None
    height: int | None = None
    colours: str | None = None
    interactive: bool = False

    @classmethod
    def of(cls, stream: TextIO) -> Terminal:
        from .pager import terminal_of

        return cls(**terminal_of(stream))


def markdown_text(text: str, terminal: Terminal) -> str:
    """Markdown (a lesson, a hint) as Rich draws it for `terminal`: headings, lists and code blocks,
    the code coloured where the terminal shows colours."""
    from rich.console import Console
    from rich.markdown import Markdown

    drawn = io.StringIO()
    Console(file=drawn, width=min(terminal.width or 100, 100), color_system=terminal.colours,
            force_terminal=terminal.colours is not None, highlight=False, emoji=False).print(
        Markdown(text, code_theme="monokai", inline_code_theme="monokai"))
    return drawn.getvalue()
