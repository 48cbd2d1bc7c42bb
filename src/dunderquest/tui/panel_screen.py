"""The MNIST panel: the digit the learner's class returns beside the one the real torchvision /
DataLoader objects return for the same index, drawn in half-block characters (28 x 14 cells).

The grader sends a window of consecutive indices (see `grader/panels.py`); stepping past the window
fetches the next one."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ..core.catalog import Level
from ..core.panel_data import Digit, Panel, PanelItem
from ..grader.service.client import Cancelled, GraderUnavailable

SIDE = 28


class PanelSource(Protocol):
    def mnist_panel(self, level: Level, path: Path, start: int = 0) -> Panel: ...


def picture(pixels: list[int]) -> Text:
    """28x28 grey levels as 14 rows of ▀: the foreground is the upper pixel, the background the lower."""
    text = Text()
    for row in range(0, SIDE, 2):
        for col in range(SIDE):
            upper, lower = pixels[row * SIDE + col], pixels[(row + 1) * SIDE + col]
            text.append("▀", Style(color=f"rgb({upper},{upper},{upper})",
                                   bgcolor=f"rgb({lower},{lower},{lower})"))
        if row < SIDE - 2:
            text.append("\n")
    return text


class MnistPanelScreen(Screen[None]):
    BINDINGS = [
        Binding("right", "step(1)", "Next digit", id="digit_next"),
        Binding("left", "step(-1)", "Previous", id="digit_previous"),
        Binding("pagedown", "step(16)", "+16", id="digit_jump_forward"),
        Binding("pageup", "step(-16)", "-16", id="digit_jump_back"),
        Binding("escape,f5", "app.pop_screen", "Back", id="digits_close"),
    ]

    class Loaded(Message):
        def __init__(self, panel: Panel | None, problem: str | None = None):
            super().__init__()
            self.panel = panel
            self.problem = problem

    def __init__(self, level: Level, path: Path, grader: PanelSource, *, id: str | None = None):
        super().__init__(id=id)
        self.level = level
        self.path = path
        self.grader = grader
        self.index = 0
        self.window: Panel | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="digits-info")
        with Horizontal(id="digit-pair"):
            with Vertical(id="learner-box", classes="digit-box"):
                yield Static(id="learner-picture", classes="digit-picture")
                yield Static(id="learner-label", classes="digit-label")
            with Vertical(id="reference-box", classes="digit-box"):
                yield Static(id="reference-picture", classes="digit-picture")
                yield Static(id="reference-label", classes="digit-label")
        yield Static(id="digits-strip")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#learner-box").border_title = "yours"
        self.query_one("#reference-box").border_title = "reference"
        self.fetch(0)

    # loading ----------------------------------------------------------------------------------

    @property
    def items(self) -> list[PanelItem]:
        return self.window.items if self.window else []

    def fetch(self, start: int) -> None:
        self.query_one("#digits-info", Static).update(
            f"Level {self.level.number}: running your {self.level.class_name} on MNIST… (index {start})")
        self.query_one("#digit-pair").loading = True
        self.load_window(start)

    @work(thread=True, exclusive=True, group="mnist_panel")
    def load_window(self, start: int) -> None:
        try:
            self.post_message(self.Loaded(self.grader.mnist_panel(self.level, self.path, start)))
        except Cancelled:
            self.post_message(self.Loaded(None, "Stopped."))
        except (GraderUnavailable, OSError) as err:
            self.post_message(self.Loaded(None, f"The digits could not be drawn: {err}"))

    def on_mnist_panel_screen_loaded(self, message: Loaded) -> None:
        self.query_one("#digit-pair").loading = False
        if message.panel is None:
            self.query_one("#digits-info", Static).update(message.problem or "")
            return
        self.window = message.panel
        if self.items:
            first, last = self.items[0].index, self.items[-1].index
            self.index = max(first, min(self.index, last))
        self.draw()

    # stepping ---------------------------------------------------------------------------------

    def action_step(self, by: int) -> None:
        if self.window is None or not self.items:
            return
        total = self.window.total
        target = max(0, min(self.index + by, total - 1))
        if target == self.index:
            return
        self.index = target
        first, last = self.items[0].index, self.items[-1].index
        if first <= target <= last:
            self.draw()
        elif target > last:
            self.fetch(target)
        else:  # stepping back: fetch the window that ends at the target
            self.fetch(max(0, target - len(self.items) + 1))

    # drawing ----------------------------------------------------------------------------------

    def draw(self) -> None:
        item = next((i for i in self.items if i.index == self.index), None)
        if item is None:
            return
        different = item.differs
        info = Text()
        info.append(f"Level {self.level.number} · index {self.index} of {self.window.total} · ")
        if different:
            info.append("DIFFERENT", style="bold red")
        else:
            info.append("same as the reference", style="bold green")
        info.append(f"\nData: {self.window.data}", style="dim")
        self.query_one("#digits-info", Static).update(info)
        self._draw_side("learner", item.learner, item.caption_learner, item.error)
        self._draw_side("reference", item.reference, item.caption_reference, None)
        self.query_one("#learner-box").set_class(different, "-differs")
        self.query_one("#digits-strip", Static).update(self._strip())

    def _draw_side(self, side: str, digit: Digit | None, caption: str, error: str | None) -> None:
        box = self.query_one(f"#{side}-box")
        box.border_subtitle = caption
        drawing = self.query_one(f"#{side}-picture", Static)
        label = self.query_one(f"#{side}-label", Static)
        if error:
            drawing.update(Text(error, style="red"))
            label.update("")
        elif digit is None:
            drawing.update(Text("(nothing)", style="dim"))
            label.update("")
        else:
            drawing.update(picture(digit.pixels) if digit.pixels else Text(digit.note, style="red"))
            label.update(f"label: {digit.label}")

    def _strip(self) -> Text:
        """The window at a glance: every index with ✓ (same as the reference) or ✗."""
        strip = Text()
        for item in self.items:
            same = not item.differs
            mark = Text(f"{item.index}{'✓' if same else '✗'}", style="green" if same else "bold red")
            if item.index == self.index:
                mark.stylize("reverse")
            strip.append(mark)
            strip.append(" ")
        return strip
