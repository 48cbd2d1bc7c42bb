"""The checks of the last run: one line per check with pass/fail, and the plain-language message of
the highlighted one. The first failure is highlighted when a run ends."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from ..core.catalog import Level
from ..grader.result import CheckResult, LevelResult


def check_prompt(check: CheckResult) -> Text:
    prompt = Text()
    if check.passed:
        prompt.append("✓ ", style="bold green")
    else:
        prompt.append("✗ ", style="bold red")
    prompt.append(check.name)
    if not check.passed and check.line:
        prompt.append(f"  (line {check.line})", style="dim")
    return prompt


class ChecksPanel(Vertical):
    class LineChosen(Message):
        """The learner chose a check that points at a line of their file."""

        def __init__(self, line: int):
            super().__init__()
            self.line = line

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.result: LevelResult | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="checks-summary")
        yield LoadingIndicator(id="checks-running")
        yield OptionList(id="checks")
        with VerticalScroll(id="check-detail-scroll"):
            yield Static(id="check-detail")

    def on_mount(self) -> None:
        self.query_one("#checks-running").display = False

    def _summary(self, text: str | Text) -> None:
        self.query_one("#checks-summary", Static).update(text)

    def _detail(self, text: str | Text) -> None:
        self.query_one("#check-detail", Static).update(text)

    def show_waiting(self, level: Level) -> None:
        self.result = None
        self.query_one("#checks-running").display = False
        self.query_one("#checks", OptionList).clear_options()
        self._summary(f"Level {level.number}: press ctrl+r to save and run its checks.")
        self._detail("")

    def show_running(self, level: Level) -> None:
        self.result = None
        self.query_one("#checks", OptionList).clear_options()
        self.query_one("#checks-running").display = True
        self._summary(f"Running the checks of level {level.number}… (esc cancels)")
        self._detail("")

    def show_note(self, text: str) -> None:
        """A run that gave no result: cancelled, or the grader could not run."""
        self.query_one("#checks-running").display = False
        self._summary(text)

    def show_result(self, result: LevelResult) -> None:
        self.result = result
        self.query_one("#checks-running").display = False
        passed = sum(check.passed for check in result.checks)
        summary = Text()
        if result.passed:
            summary.append("PASSED", style="bold green")
        else:
            summary.append("NOT YET", style="bold red")
        summary.append(f"  {passed}/{len(result.checks)} checks passed in {result.seconds:.1f} s")
        self._summary(summary)
        checks = self.query_one("#checks", OptionList)
        checks.clear_options()
        checks.add_options(Option(check_prompt(check), id=check.id) for check in result.checks)
        first = result.first_failure
        checks.highlighted = result.checks.index(first) if first else 0
        self._show_check(first or (result.checks[0] if result.checks else None))

    def _show_check(self, check: CheckResult | None) -> None:
        if check is None:
            self._detail("")
            return
        detail = Text()
        detail.append(check.name + "\n", style="bold")
        if check.passed:
            detail.append("Passed.", style="green")
        else:
            if check.line:
                detail.append(f"Line {check.line} of your file.\n", style="yellow")
            detail.append(check.message or "Failed.")
            if self.result is not None and self.result.mistake:
                detail.append("\n\n" + self.result.mistake, style="italic")
        if self.result is not None and (printed := self.result.printed_lines()):
            detail.append("\n\n" + "\n".join(printed), style="dim")
        self._detail(detail)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.result is not None and event.option_list.id == "checks":
            event.stop()
            self._show_check(self.result.checks[event.option_index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.result is not None and event.option_list.id == "checks":
            event.stop()
            check = self.result.checks[event.option_index]
            if check.line:
                self.post_message(self.LineChosen(check.line))
