"""The levels sidebar: every level with its number, title, class and status, and progress overall."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..core.catalog import Catalog, Level
from ..core.data import MnistSource
from ..core.progress import Status

MARKS = {Status.PASSED: ("✓", "green"), Status.UNLOCKED: ("○", "yellow"), Status.LOCKED: ("·", "dim")}


def level_prompt(level: Level, status: Status) -> Text:
    mark, colour = MARKS[status]
    locked = status is Status.LOCKED
    prompt = Text()
    prompt.append(f"{mark} ", style=f"bold {colour}")
    prompt.append(f"{level.number}. {level.title}\n", style="dim" if locked else "bold")
    prompt.append(f"   {level.class_name} · {status}", style="dim" if locked else "")
    return prompt


class LevelsSidebar(Vertical):
    def __init__(self, catalog: Catalog, *, id: str | None = None):
        super().__init__(id=id)
        self.catalog = catalog
        self.border_title = "Levels"

    def compose(self) -> ComposeResult:
        yield OptionList(id="levels")
        yield Static(id="progress-summary")
        yield Static(id="data-source")

    def show(self, statuses: dict[str, Status], current: Level) -> None:
        levels = self.query_one("#levels", OptionList)
        levels.clear_options()
        levels.add_options(Option(level_prompt(level, statuses[level.id]), id=level.id)
                           for level in self.catalog)
        levels.highlighted = levels.get_option_index(current.id)
        passed = sum(status is Status.PASSED for status in statuses.values())
        self.query_one("#progress-summary", Static).update(f"{passed}/{len(self.catalog)} passed")

    def show_data(self, source: MnistSource) -> None:
        data = self.query_one("#data-source", Static)
        data.update(f"Data: MNIST {source.kind}\n{source.train_size:,} train / {source.test_size:,} test")
        data.tooltip = source.description
