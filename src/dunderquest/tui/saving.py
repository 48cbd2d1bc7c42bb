"""What the game does with the learner's file on disk: saving the editor's text, noticing changes
made outside the game (another editor, `git checkout`, `watch`'s learner), and handing the file to
$EDITOR. The game's screen (game.py) takes these from `KeepsTheFile`; they use its `file` (the
`ExerciseFile` as last read or saved), `editor`, `level` and `workspace`."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from typing import Any

from textual.app import SuspendNotSupported
from textual.screen import Screen

from ..core.file_errors import link_target, not_saved, what_to_do, why_not


DISK_POLL_SECONDS = 0.5  # how often the game looks for changes made to the file outside it


def choice_screen(*args: Any, **kwargs: Any) -> Screen:
    from .dialogs import ChoiceScreen

    return ChoiceScreen(*args, **kwargs)


class KeepsTheFile:
    """The game screen's side that keeps its editor and the file on disk in step."""

    asking_about_disk = False  # a "changed on disk" question is on screen

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Writes the buffer to the file, then calls `then`. Asks first if the file changed on disk."""
        if self.editor.read_only:
            if then:
                then()
            return
        on_disk = self.file.changed_on_disk()
        if on_disk is None:
            if self.editor.text == self.file.saved_text and self.file.up_to_date:
                if then:  # nothing to write: a read-only workspace still runs its checks
                    then()
                return
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

    def action_save(self) -> None:
        def saved() -> None:
            target = link_target(self.file.path)
            self.notify(f"Saved {self.level.exercise_path}" + (f", a link: the file it points to, {target}, holds "
                                                               "your text." if target else "."), timeout=4)

        self.save(then=saved)

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
            self.notify(not_saved(self.level.exercise_path, err), title="Not saved", severity="error", timeout=15)
            return
        self.show_status()
        if then:
            then()

    def warn_if_unreadable(self) -> None:
        if self.file.problem is not None:
            self.notify(f"{self.level.exercise_path} cannot be opened: {why_not(self.file.problem)}. "
                        f"{what_to_do(self.file.problem)}", title="Cannot open the file", severity="error",
                        timeout=15)

    def load_from_disk(self, text: str) -> None:
        self.file.accept(text)
        self.editor.replace_keeping_cursor(text)
        self.show_status()
        self.warn_if_not_utf8()

    def check_disk(self) -> None:
        """Runs every DISK_POLL_SECONDS: picks up changes made outside the game."""
        if self.asking_about_disk:
            return
        could_read = self.file.problem is None
        on_disk = self.file.changed_on_disk()
        if could_read and self.file.problem is not None:  # a folder took its place, say
            self.warn_if_unreadable()
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

    def action_edit_outside(self) -> None:
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            self.notify("Set $EDITOR (for example: export EDITOR=nano) to edit the file outside the game.",
                        severity="warning")
            return
        import shlex

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
