"""The learner's exercise file, as a buffer in the editor and as a file on disk, kept in step.

The file can change under the game (the learner's own editor, `dunderquest reset`, a git checkout).
An external change is never overwritten silently: `ExerciseFile` remembers what it last read or
wrote, so the game can tell "changed on disk" from "changed in the buffer" and ask when it is both.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from ..core.file_errors import not_utf8
from ..core.progress import write_atomically


class ExerciseFile:
    def __init__(self, path: Path):
        self.path = path
        self.saved_text = ""  # the file's text when the game last read or wrote it
        self._seen: tuple[int, int] | None = None  # (mtime_ns, size) at that moment
        # The line of the first byte that is not UTF-8, when the file on disk is not UTF-8 text: the
        # editor shows such bytes as "\ufffd", and saving would write that in their place.
        self.not_utf8_line: int | None = None
        # Why the file cannot be read, when it cannot (a folder in its place, no permission to read).
        self.problem: OSError | None = None

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:  # missing, or a link that leads nowhere
            return None
        return stat.st_mtime_ns, stat.st_size

    def _disk_text(self) -> str:
        """The file's text ("" when it is missing); sets `problem` when it cannot be read."""
        self.problem = None
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return ""
        except OSError as err:
            self.problem = err
            return ""
        try:
            text, self.not_utf8_line = raw.decode("utf-8"), None
        except UnicodeDecodeError as err:
            text, self.not_utf8_line = raw.decode("utf-8", errors="replace"), not_utf8(raw, err)[0]
        return text

    def read(self) -> str:
        self.accept(self._disk_text())
        return self.saved_text

    def accept(self, text: str) -> None:
        """Takes `text` (just read from disk) as the saved version."""
        self.saved_text = text
        self._seen = self._stamp()

    @property
    def up_to_date(self) -> bool:
        """The file on disk holds `saved_text` as it is: there is nothing to write (it is there, UTF-8
        text, and readable)."""
        return self._seen is not None and self.not_utf8_line is None and self.problem is None

    def write(self, text: str) -> None:
        write_atomically(self.path, text)
        self.not_utf8_line = None
        self.accept(text)

    def changed_on_disk(self) -> str | None:
        """The file's new text if someone else changed it since the game last read or wrote it. None
        too when it cannot be read now (see `problem`): what the editor holds is kept."""
        stamp = self._stamp()
        if stamp == self._seen:
            return None
        text = self._disk_text()
        if self.problem is not None:
            self._seen = stamp
            return None
        if text == self.saved_text:  # touched, not changed
            self._seen = stamp
            return None
        return text


class ExerciseEditor(TextArea):
    """A Python code editor (line numbers, tab indents) that can point at a line of the file."""

    @property
    def has_python_highlighting(self) -> bool:
        # Highlighting needs tree-sitter and its Python grammar (`pip install "textual[syntax]"`).
        return "python" in self.available_languages

    def show(self, text: str, *, read_only: bool) -> None:
        self.load_text(text)
        self.read_only = read_only
        self.move_cursor((0, 0))

    def replace_keeping_cursor(self, text: str) -> None:
        """Loads a new version of the file from disk, leaving the cursor near where it was."""
        row, column = self.cursor_location
        self.load_text(text)
        row = min(row, self.document.line_count - 1)
        self.move_cursor((row, min(column, len(self.document.get_line(row)))))

    def point_at(self, line: int) -> None:
        """Selects line `line` (1-based), the line a failed check points to, and scrolls to it."""
        index = max(0, min(line - 1, self.document.line_count - 1))
        # Selected from its end back to its start, so the cursor (and the view) sit at column 0.
        self.selection = Selection((index, len(self.document.get_line(index))), (index, 0))
        self.scroll_cursor_visible(center=True)
