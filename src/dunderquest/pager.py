"""Long text in a terminal: shown through the pager ($PAGER, else `less -R`), as git and man do,
when it is longer than the screen; printed as it is otherwise, or when there is no pager. Standard
library only: the thin client pages what the background grader sends it."""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import TextIO


def longer_than_the_screen(text: str, height: int | None) -> bool:
    return height is not None and text.count("\n") >= height - 1


def page(text: str, out: TextIO) -> None:
    """`text` through the pager, or written to `out` when no pager can be started."""
    command = shlex.split(os.environ.get("PAGER") or "less -R")
    try:
        subprocess.run(command, input=text, text=True, check=False)
    except (OSError, ValueError):  # no pager here (`less` is missing): the text as it is
        out.write(text)
        out.flush()
    except KeyboardInterrupt:
        pass


def terminal_of(stream: TextIO) -> dict:
    """What `stream` shows: its width and height, its colours (Rich's colour system: "truecolor",
    "256", "standard", or None where colours are off or it is no terminal), and whether it is a
    terminal a learner reads."""
    try:
        interactive = stream.isatty()
        size = os.get_terminal_size(stream.fileno()) if interactive else None
    except (OSError, ValueError, AttributeError):
        interactive, size = False, None
    colours = None
    if interactive and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb":
        term = os.environ.get("TERM", "")
        colours = "truecolor" if os.environ.get("COLORTERM") in ("truecolor", "24bit") else \
            "256" if "256" in term else "standard"
    return {"width": size.columns if size else None, "height": size.lines if size else None, "colours": colours,
            "interactive": interactive}
