"""The game's screen: levels on the left, the lesson and the checks in the middle, the learner's
file in an editor on the right. It owns what the game does: opening levels, saving (and changes made
outside the game), runs of the checks in a worker, what a result changes, hints, solutions and the
MNIST panel. The app (app.py) only wires it up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, TabbedContent, TabPane

from .. import presenter
from ..core.catalog import Level
from ..core.data import current_source
from ..core.file_errors import not_recorded
from ..core.finale import finish_first_message, level_to_finish_first
from ..core.progress import Outcome, Status
from ..core.workspace import Workspace
from ..grader.service.client import Cancelled, GraderUnavailable
from .editor import ExerciseEditor, ExerciseFile
from .grading import Graded, Grader
from .lesson import Lesson
from .levels import LevelsSidebar
from .results import ChecksPanel
from .saving import DISK_POLL_SECONDS, KeepsTheFile, choice_screen

if TYPE_CHECKING:
    from .finale import FinaleRun

# The screens the game opens on request (the finale, the MNIST panel, the solution, the download)
# are imported when first opened: the first paint does not wait for them.

def finale_process(root: Path) -> FinaleRun:
    from .finale import FinaleProcess

    return FinaleProcess(root)


# How the game names what a learner can do next, for what it tells them after a check (presenter.py).
KEYS = presenter.Front(hint=lambda level: "f1", solution=lambda level: "f2 shows it beside yours",
                       open_level=lambda level: "ctrl+n goes there", finale="f6 starts it")


class GameScreen(KeepsTheFile, Screen[None]):
    """The game, one level at a time. The open level is `level`; its file is `file` (as last read or
    saved) and the buffer is in `editor`. A run of the checks is in flight while `running`."""

    BINDINGS = [
        # Quitting is the app's (it asks about unsaved changes from any screen); listed here too
        # so that it leads this screen's footer.
        Binding("ctrl+q", "app.quit", "Quit", id="quit", priority=True),
        Binding("ctrl+r", "run", "Run", id="run", priority=True),
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        Binding("f1", "hint", "Hint", id="hint", priority=True),
        Binding("ctrl+o", "edit_outside", "$EDITOR", id="edit_outside", priority=True),
        Binding("f2", "solution", "Solution", id="solution", priority=True),
        Binding("ctrl+n", "next_level", "Next level", id="next_level", priority=True),
        Binding("f5", "mnist_panel", "Digits", id="mnist_panel", priority=True),
        Binding("f6", "finale", "Finale", id="finale", priority=True),
        Binding("escape", "cancel_run", "Cancel", id="cancel_run", priority=True),
    ]

    running: reactive[bool] = reactive(False)

    def __init__(self, workspace: Workspace, grader: Grader):
        super().__init__()
        self.workspace = workspace
        self.progress = workspace.progress
        self.grader = grader
        self.level: Level = self.progress.current()
        self.file = ExerciseFile(workspace.exercise(self.level))
        self.painted = False  # the first paint is done: code is highlighted from then on
        # How the finale is run: a `dunderquest finale` subprocess (tests hand in a fake run).
        self.finale_run: Callable[[], FinaleRun] = lambda: finale_process(workspace.root)

    # layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield LevelsSidebar(self.workspace.catalog, id="sidebar")
            with TabbedContent(id="side-tabs", initial="lesson-tab"):
                with TabPane("Lesson", id="lesson-tab"), VerticalScroll(id="lesson-scroll"):
                    yield Lesson(id="lesson")
                yield TabPane("Checks", id="checks-tab")  # its panel is mounted after the first paint
            with Vertical(id="work"):
                yield Static(id="celebration")
                yield ExerciseEditor.code_editor(id="editor", language=None)
                yield Static(id="status")
        yield Footer()

    @property
    def editor(self) -> ExerciseEditor:
        return self.query_one("#editor", ExerciseEditor)

    @property
    def checks(self) -> ChecksPanel:
        return self.query_one("#checks-panel", ChecksPanel)

    @property
    def sidebar(self) -> LevelsSidebar:
        return self.query_one("#sidebar", LevelsSidebar)

    def on_mount(self) -> None:
        editor = self.editor
        self.app.theme_changed_signal.subscribe(self, lambda theme: self._match_editor_theme())
        self._match_editor_theme()
        if self.progress.warning:
            self.notify(self.progress.warning, severity="warning", timeout=15)
        self.sidebar.show_data(current_source())
        self.open_level(self.level)
        self.set_interval(DISK_POLL_SECONDS, self.check_disk)
        editor.focus()

    def _match_editor_theme(self) -> None:
        self.editor.theme = "monokai" if self.app.current_theme.dark else "github_light"

    # the current level ------------------------------------------------------------------------

    @property
    def status(self) -> Status:
        return self.progress.status(self.level)

    @property
    def dirty(self) -> bool:
        return self.editor.text != self.file.saved_text

    def open_level(self, level: Level) -> None:
        """Shows `level`: its lesson, its file in the editor, and no results yet."""
        self.level = level
        self.file = ExerciseFile(self.workspace.exercise(level))
        if not self.file.path.exists():
            self.workspace.add_missing_stubs()
        status = self.status
        self.editor.show(self.file.read(), read_only=status is Status.LOCKED)
        self.warn_if_not_utf8()
        self.warn_if_unreadable()
        self.show_lesson()
        self.query_one("#lesson-scroll").scroll_home(animate=False)
        self.query_one("#side-tabs", TabbedContent).active = "lesson-tab"
        if self.painted:
            self.checks.show_waiting(level)
        self.query_one("#celebration", Static).display = False
        self.show_levels()
        if status is Status.LOCKED:
            earlier = [other for other in self.workspace.catalog.before(level)
                       if self.progress.status(other) is not Status.PASSED]
            self.notify(f"Level {level.number} is locked: pass level {earlier[0].number} first. "
                        "You can read it, not edit it.", title="Locked")
        self.show_status()

    def show_lesson(self) -> None:
        self.query_one("#lesson", Lesson).show(self.level, coloured=self.painted)

    async def first_paint_done(self) -> None:
        """Once the screen is on show: the checks' panel (in a tab not shown yet) comes, and the
        lesson's code and the editor are coloured (see show_lesson)."""
        tab = self.query_one("#checks-tab", TabPane)
        if not tab.is_attached:  # the game is quitting already
            return
        await tab.mount(ChecksPanel(id="checks-panel"))
        self.painted = True
        self.checks.show_waiting(self.level)
        self.show_lesson()
        editor = self.editor
        if editor.has_python_highlighting:
            editor.language = "python"
        else:
            self.notify("Python highlighting needs tree-sitter: pip install 'textual[syntax]'",
                        title="No syntax highlighting", severity="warning", timeout=8)

    def show_levels(self) -> None:
        state = self.progress.load()
        statuses = {level.id: self.progress.status(level, state) for level in self.workspace.catalog}
        self.sidebar.show(statuses, self.level)
        self.refresh_bindings()

    def show_status(self) -> None:
        status = Text()
        status.append(self.level.exercise_path, style="bold")
        if self.editor.read_only:
            status.append("  read-only (locked)", style="yellow")
        elif self.dirty:
            status.append("  modified", style="yellow")
        else:
            status.append("  saved", style="dim")
        if self.running:
            status.append("  ● running the checks… esc cancels", style="bold magenta")
        self.query_one("#status", Static).update(status)

    def on_text_area_changed(self, event: ExerciseEditor.Changed) -> None:
        self.show_status()

    def switch_level(self, level: Level) -> None:
        """Goes to `level`, asking first when the open file has unsaved changes."""
        if level == self.level:
            return

        def go() -> None:
            if self.running:
                self.grader.cancel()
            self.open_level(level)
            self.editor.focus()

        if not self.dirty:
            go()
            return

        def answered(answer: str | None) -> None:
            if answer == "save":
                self.save(then=go)
            elif answer == "discard":
                go()
            else:
                self.show_levels()  # put the sidebar's highlight back

        self.app.push_screen(choice_screen(f"{self.level.exercise_path} has unsaved changes.",
                                          [("save", "Save"), ("discard", "Discard them"), ("cancel", "Stay")]),
                             answered)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "levels" and event.option_id:
            self.switch_level(self.workspace.catalog.get(event.option_id))

    # actions ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only while this screen is on top: Textual looks for keys on the top screen and the app.
        if action == "cancel_run":
            return self.running
        if action in ("save", "edit_outside"):
            return None if self.editor.read_only else True  # shown, dimmed, on a locked level
        if action == "run":
            return None if self.editor.read_only or self.running else True
        if action == "solution":
            return self.status is Status.PASSED
        if action == "next_level":
            following = self.workspace.catalog.after(self.level)
            return following is not None and self.status is Status.PASSED
        if action == "mnist_panel":
            return self.level.panel is not None
        if action == "finale":
            finale = self.workspace.pack.finale
            return finale is not None and level_to_finish_first(finale, self.progress) is None
        return True

    def watch_running(self, running: bool) -> None:
        self.refresh_bindings()
        if self.is_mounted:
            self.show_status()

    def action_run(self) -> None:
        if self.running or self.editor.read_only:
            return
        self.save(then=self.start_run)

    def start_run(self) -> None:
        self.running = True
        self.grade_level(self.level, self.file.path)  # first: the screen changes while the grader runs
        self.query_one("#celebration", Static).display = False
        self.checks.show_running(self.level)
        self.query_one("#side-tabs", TabbedContent).active = "checks-tab"

    @work(thread=True, exclusive=True, group="grading")
    def grade_level(self, level: Level, path: Path) -> None:
        try:
            result = self.grader.grade(level, path)
        except Cancelled:
            self.post_message(Graded(level, cancelled=True))
        except (GraderUnavailable, OSError) as err:
            self.post_message(Graded(level, problem=f"The checks could not run: {err}"))
        else:
            self.post_message(Graded(level, result))

    def action_cancel_run(self) -> None:
        if self.running:
            self.grader.cancel()
            self.checks.show_note("Stopping…")

    def on_graded(self, message: Graded) -> None:
        self.running = False
        if message.result is None:
            note = "Stopped. ctrl+r runs the checks again." if message.cancelled else message.problem
            self.checks.show_note(note)
            self.notify(note, severity="information" if message.cancelled else "error")
            return
        level, result = message.level, message.result
        try:
            outcome = self.progress.record(level, result.passed)
        except OSError as err:  # a full disk, a read-only workspace: the result is shown all the same
            outcome = None
            self.notify(not_recorded(self.progress.path, err), title="Not recorded", severity="error",
                        timeout=15)
        if level != self.level:  # the learner moved on while it ran
            self.show_levels()
            return
        self.checks.show_result(result)
        self.show_levels()
        first = result.first_failure
        if first is not None and first.line:
            self.editor.point_at(first.line)
        if outcome is None:
            return
        said = presenter.after_check(outcome, KEYS, has_finale=self.workspace.pack.finale is not None)
        if outcome.passed:
            self.celebrate(outcome, said)
        elif said:
            self.notify(presenter.as_sentences(said), timeout=6)

    def celebrate(self, outcome: Outcome, said: list[str]) -> None:
        text = Text()
        text.append(f"★ {said[0]} ", style="bold")
        text.append(presenter.as_sentences(said[1:]))
        if outcome.last_level:
            self.refresh_bindings()
        banner = self.query_one("#celebration", Static)
        banner.update(text)
        banner.display = True
        # A fade-in that Textual skips when animations are off (App.animation_level).
        banner.styles.opacity = 0.0 if self.app.animation_level == "full" else 1.0
        banner.styles.animate("opacity", 1.0, duration=0.6, level="full")
        self.notify(f"Level {outcome.level.number} passed!", title="★", timeout=4)

    def on_checks_panel_line_chosen(self, message: ChecksPanel.LineChosen) -> None:
        self.editor.point_at(message.line)
        self.editor.focus()

    def action_hint(self) -> None:
        hint = self.progress.next_hint(self.level)
        from .dialogs import NoteScreen

        self.app.push_screen(NoteScreen(hint.heading, hint.text, id="hint"))

    def action_solution(self) -> None:
        if self.status is not Status.PASSED:
            self.notify(f"The solution to level {self.level.number} opens once you pass it.")
            return
        from .solution import SolutionScreen

        self.app.push_screen(SolutionScreen(self.level, self.editor.text, id="solution"))

    def action_next_level(self) -> None:
        following = self.workspace.catalog.after(self.level)
        if following is not None and self.status is Status.PASSED:
            self.switch_level(following)

    def action_mnist_panel(self) -> None:
        if self.level.panel is not None:
            from .panel_screen import MnistPanelScreen

            level, path = self.level, self.file.path
            self.save(then=lambda: self.app.push_screen(MnistPanelScreen(level, path, self.grader, id="mnist_panel")))

    def action_finale(self) -> None:
        self.show_finale()

    def quit(self) -> None:
        """Ends the game, asking first when the open file has unsaved changes."""
        if not self.dirty:
            self.app.exit()
            return

        def answered(answer: str | None) -> None:
            if answer == "save":
                self.save(then=self.app.exit)
            elif answer == "discard":
                self.app.exit()

        self.app.push_screen(choice_screen(f"{self.level.exercise_path} has unsaved changes.",
                                          [("save", "Save and quit"), ("discard", "Quit without saving"),
                                           ("cancel", "Keep playing")], id="quit-unsaved"),
                             answered)

    # the finale (the palette offers it too, see palette.py) -----------------------------------------

    def show_finale(self) -> None:
        """The finale, once the levels whose classes it uses have passed; else which level to finish first."""
        finale = self.workspace.pack.finale
        if finale is None:
            self.notify(f"The course {self.workspace.pack.title} has no finale.", title="The finale", timeout=8)
            return
        level = level_to_finish_first(finale, self.progress)
        if level is not None:
            self.notify(finish_first_message(level, finale, self.progress.catalog), title="The finale", timeout=8)
            return
        from .finale import FinaleScreen

        self.save(then=lambda: self.app.push_screen(FinaleScreen(self.finale_run(), id="finale")))
