"""After a pass: the learner's file beside the reference solution, as a unified diff."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ..core.catalog import Level
from ..core.solution import solution_diff


def colored_diff(level: Level, mine: str) -> Text:
    """Lines only in the learner's file in red (-), lines only in the reference in green (+)."""
    diff = solution_diff(level, mine)
    text = Text(diff.heading + "\n\n", style="bold")
    if diff.same:
        text.append("\n".join(diff.lines))
        return text
    for line in diff.lines:
        if line.startswith(("---", "+++")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("+"):
            style = "green"
        else:
            style = ""
        text.append(line + "\n", style=style)
    return text


class SolutionScreen(Screen[None]):
    BINDINGS = [Binding("escape,f2", "app.pop_screen", "Back", id="solution_close")]

    def __init__(self, level: Level, mine: str, *, id: str | None = None):
        super().__init__(id=id)
        self.level = level
        self.mine = mine

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="solution-scroll") as scroll:
            scroll.border_title = f"Level {self.level.number}: yours and the reference solution"
            yield Static(colored_diff(self.level, self.mine), id="solution-diff")
        yield Footer()
