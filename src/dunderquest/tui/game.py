"""The game's screen: levels on the left, the lesson and the checks in the middle, the learner's
file in an editor on the right. It owns what the game does: opening levels, saving (and changes made
outside the game), runs of the checks in a worker, what a result changes, hints, solutions and the
MNIST panel. The app (app.py) only wires it up.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rich.markdown import Markdown as RichMarkdown
from rich.text import Text
from textual import work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, TabbedContent, TabPane

from ..core.catalog import Level
from ..core.data import current_source
from ..core.finale import finish_first_message, level_to_finish_first, missing_classes
from ..core.mnist_panel import Panel
from ..core.progress import LAST_LEVEL, Outcome, Status
from ..core.workspace import Workspace
from ..grader.result import LevelResult
from ..grader.service.client import Cancelled, GraderUnavailable
from .editor import ExerciseEditor, ExerciseFile
from .levels import LevelsSidebar
from .results import ChecksPanel

if TYPE_CHECKING:
    from .finale import FinaleRun

# The screens the game opens on request (the finale, the MNIST panel, the solution, the download)
# are imported when first opened: the first paint does not wait for them.

DISK_POLL_SECONDS = 0.5


def choice_screen(*args: Any, **kwargs: Any) -> Screen:
    from .dialogs import ChoiceScreen

    return ChoiceScreen(*args, **kwargs)


def finale_process(root: Path) -> FinaleRun:
    from .finale import FinaleProcess

    return FinaleProcess(root)


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


class Grader(Protocol):
    """What the game needs from `GraderClient`; tests pass a fake."""

    def warm_up(self) -> None: ...
    def grade(self, level: Level, file: Path) -> LevelResult: ...
    def mnist_panel(self, level: Level, file: Path, start: int = 0) -> Panel: ...
    def cancel(self) -> None: ...


class Graded(Message):
    """A run of a level's checks ended: with a result, cancelled, or with a problem."""

    def __init__(self, level: Level, result: LevelResult | None = None, *, cancelled: bool = False,
                 problem: str | None = None):
        super().__init__()
        self.level = level
        self.result = result
        self.cancelled = cancelled
        self.problem = problem


class GameScreen(Screen[None]):
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
        self.asking_about_disk = False  # a "changed on disk" question is on screen
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
                    yield Static(id="lesson")
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
        # Rich's Markdown in one Static: the Markdown widget mounts a widget per block, which
        # costs about a quarter of a second of first paint for a lesson. Until the first paint, the
        # code blocks are shown plain: the first Python highlighting (Pygments compiling its rules)
        # takes longer than the rest of the screen.
        text = self.level.lesson()
        if not self.painted:
            text = re.sub(r"^```(python|py)\s*$", "```text", text, flags=re.M)
        self.query_one("#lesson", Static).update(DrawnOnce(RichMarkdown(text, code_theme="monokai")))

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

    # saving and the file on disk --------------------------------------------------------------

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Writes the buffer to the file, then calls `then`. Asks first if the file changed on disk."""
        if self.editor.read_only:
            if then:
                then()
            return
        on_disk = self.file.changed_on_disk()
        if on_disk is None:
            self._write(then)
            return

        def answered(answer: str | None) -> None:
            if answer == "mine":
                self._write(then)
            elif answer == "disk":
                self.load_from_disk(on_disk)

        self.app.push_screen(choice_screen(
            f"{self.level.exercise_path} changed on disk since the game loaded it. Save over it?",
            [("mine", "Save mine over it"), ("disk", "Load the file from disk"), ("cancel", "Cancel")]),
            answered)

    def warn_if_not_utf8(self) -> None:
        if self.file.not_utf8_line is not None:
            self.notify(f"{self.level.exercise_path} is not UTF-8 text (line {self.file.not_utf8_line}): the editor "
                        "shows what it cannot read as \ufffd. Saving writes the file as UTF-8, and keeps the "
                        "original as a backup first.", severity="warning", timeout=15)

    def _write(self, then: Callable[[], None] | None) -> None:
        try:
            if self.file.not_utf8_line is not None:  # its bytes are kept before UTF-8 text replaces them
                if backup := self.workspace.back_up(self.level):
                    self.notify(f"The file as it was, not UTF-8 text, is kept as {backup}.", timeout=8)
            self.file.write(self.editor.text)
        except OSError as err:
            self.notify(f"Could not save {self.level.exercise_path}: {err}", severity="error")
            return
        self.show_status()
        if then:
            then()

    def load_from_disk(self, text: str) -> None:
        self.file.accept(text)
        self.editor.replace_keeping_cursor(text)
        self.show_status()
        self.warn_if_not_utf8()

    def check_disk(self) -> None:
        """Runs every DISK_POLL_SECONDS: picks up changes made outside the game."""
        if self.asking_about_disk:
            return
        on_disk = self.file.changed_on_disk()
        if on_disk is None:
            return
        if not self.dirty:
            self.load_from_disk(on_disk)
            self.notify(f"Reloaded {self.level.exercise_path}: it changed on disk.", timeout=3)
            return
        self.asking_about_disk = True

        def answered(answer: str | None) -> None:
            self.asking_about_disk = False
            if answer == "disk":
                self.load_from_disk(on_disk)
            else:
                # Keep the edits; the buffer now differs from the file on disk, and saving replaces
                # it because the learner chose to.
                self.file.accept(on_disk)
                self.show_status()

        self.app.push_screen(choice_screen(
            f"{self.level.exercise_path} changed on disk, and you have unsaved changes here.",
            [("disk", "Load the file from disk"), ("mine", "Keep my changes")], id="disk-conflict"),
            answered)

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
            return not missing_classes(self.workspace.catalog) and level_to_finish_first(self.progress) is None
        return True

    def watch_running(self, running: bool) -> None:
        self.refresh_bindings()
        if self.is_mounted:
            self.show_status()

    def action_save(self) -> None:
        self.save(then=lambda: self.notify(f"Saved {self.level.exercise_path}.", timeout=2))

    def action_run(self) -> None:
        if self.running or self.editor.read_only:
            return
        self.save(then=self.start_run)

    def start_run(self) -> None:
        self.running = True
        self.query_one("#celebration", Static).display = False
        self.checks.show_running(self.level)
        self.query_one("#side-tabs", TabbedContent).active = "checks-tab"
        self.grade_level(self.level, self.file.path)

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
        outcome = self.progress.record(level, result.passed)
        if level != self.level:  # the learner moved on while it ran
            self.show_levels()
            return
        self.checks.show_result(result)
        self.show_levels()
        first = result.first_failure
        if first is not None and first.line:
            self.editor.point_at(first.line)
        if outcome.passed:
            self.celebrate(outcome)
        elif outcome.stuck:
            self.notify("Stuck? f1 shows a hint.", timeout=6)

    def celebrate(self, outcome: Outcome) -> None:
        level, unlocked = outcome.level, outcome.unlocked
        text = Text()
        text.append(f"★ Level {level.number} passed! ", style="bold")
        if unlocked is not None:
            text.append(f"Level {unlocked.number} ({unlocked.title}) is unlocked. ")
        elif outcome.last_level:
            text.append(f"{LAST_LEVEL} ")
            if not missing_classes(self.workspace.catalog):
                text.append("f6: the finale, where your classes train a model on MNIST. ")
            self.refresh_bindings()
        text.append("f2 compares with the solution" + (", ctrl+n: next level." if outcome.following else "."))
        banner = self.query_one("#celebration", Static)
        banner.update(text)
        banner.display = True
        # A fade-in that Textual skips when animations are off (App.animation_level).
        banner.styles.opacity = 0.0 if self.app.animation_level == "full" else 1.0
        banner.styles.animate("opacity", 1.0, duration=0.6, level="full")
        self.notify(f"Level {level.number} passed!", title="★", timeout=4)

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
            from .mnist_panel import MnistPanelScreen

            level, path = self.level, self.file.path
            self.save(then=lambda: self.app.push_screen(MnistPanelScreen(level, path, self.grader, id="mnist_panel")))

    def action_finale(self) -> None:
        self.show_finale()

    def action_edit_outside(self) -> None:
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            self.notify("Set $EDITOR (for example: export EDITOR=nano) to edit the file outside the game.",
                        severity="warning")
            return
        self.save(then=lambda: self._edit_outside(shlex.split(command)))

    def _edit_outside(self, command: list[str]) -> None:
        try:
            with self.app.suspend():
                subprocess.run([*command, str(self.file.path)])
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to $EDITOR.", severity="warning")
        except OSError as err:
            self.notify(f"Could not start {command[0]}: {err}", severity="error")
        on_disk = self.file.changed_on_disk()
        if on_disk is not None:
            self.load_from_disk(on_disk)

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

    # what the command palette offers (see commands.py) -----------------------------------------

    def ask_reset(self, level: Level) -> None:
        def answered(answer: str | None) -> None:
            if answer == "reset":
                self.reset(level)

        self.app.push_screen(choice_screen(
            f"Reset {level.exercise_path} to its starting stub? Your file is kept as a backup.",
            [("reset", "Reset it"), ("cancel", "Cancel")], id="reset-confirm"), answered)

    def reset(self, level: Level) -> None:
        backup = self.workspace.reset(level)
        if level == self.level:
            self.load_from_disk(self.file.read())
        kept = f" Your file was kept as {backup.relative_to(self.workspace.root)}." if backup else ""
        self.notify(f"{level.exercise_path} is back to its starting stub.{kept}", timeout=8)

    def show_solution(self, level: Level) -> None:
        path = self.workspace.exercise(level)
        mine = self.editor.text if level == self.level else path.read_text(encoding="utf-8", errors="replace")
        from .solution import SolutionScreen

        self.app.push_screen(SolutionScreen(level, mine, id="solution"))

    def show_finale(self) -> None:
        """The finale, once the levels whose classes it uses have passed; else which level to finish first."""
        level = level_to_finish_first(self.progress)
        if level is not None:
            self.notify(finish_first_message(level, self.progress.catalog), title="The finale", timeout=8)
            return
        from .finale import FinaleScreen

        self.save(then=lambda: self.app.push_screen(FinaleScreen(self.finale_run(), id="finale")))

    def download_mnist(self) -> None:
        def finished(returncode: int | None) -> None:
            self.sidebar.show_data(current_source())

        from .dialogs import DownloadScreen

        self.app.push_screen(DownloadScreen([sys.executable, "-m", "dunderquest", "data", "download"],
                                            id="download"), finished)

