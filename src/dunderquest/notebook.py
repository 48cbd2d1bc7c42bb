"""dunderquest in IPython and Jupyter: `%load_ext dunderquest`, then

    %%dunderquest level3          the cell is your level 3 file: it is saved in the workspace and checked
    %dunderquest check level3     checks the file as it is in the workspace
    %dunderquest lesson level3    the lesson of a level (of your current one without a level)
    %dunderquest hint level3      the next hint for a level
    %dunderquest list             the levels and your progress
    %dunderquest workspace DIR    use (or create) the workspace in DIR; the default one otherwise

The grader runs in processes of its own (the background grader that `dunderquest check` uses, else a
zygote of this kernel's own, started as a new program): the kernel is never forked, and the
learner's code never runs in it. A result shows under the cell as a table of the checks with their
messages, the MNIST panel's digits where the level has one, and the next level once it unlocks.
"""

from __future__ import annotations

import base64
import contextlib
import html
import shlex
import struct
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import presenter
from .core.catalog import Level, UnknownLevel
from .core.file_errors import not_recorded, not_saved
from .core.panel_data import Digit, Panel
from .core.progress import Outcome, Status, write_atomically
from .core.workspace import NoWorkspace, Workspace, resolve_workspace
from .grader.result import LevelResult

USAGE = __doc__.split("\n\n")[1]


class NotebookError(Exception):
    """A usage mistake, said in one line under the cell."""


# -- what shows under a cell ---------------------------------------------------------------------------


def png(rows: list[list[int]]) -> bytes:
    """A greyscale PNG of `rows` (0-255)."""
    height, width = len(rows), len(rows[0])
    raw = b"".join(b"\x00" + bytes(row) for row in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def digit_rows(digit: Digit | None, scale: int = 2) -> list[list[int]]:
    """A 28x28 digit, `scale` times larger; a mid-grey square when there is no image."""
    pixels = digit.pixels if digit is not None and digit.pixels else [96] * 784
    rows = [[pixels[r * 28 + c] for c in range(28) for _ in range(scale)] for r in range(28)]
    return [row for row in rows for _ in range(scale)]


def panel_png(panel: Panel) -> bytes:
    """The panel's digits side by side: the learner's on top, the reference below, 4 px apart."""
    gap = 4
    top: list[list[int]] = [[]] * 56
    bottom: list[list[int]] = [[]] * 56
    for number, item in enumerate(panel.items):
        spacer = [[0] * gap] * 56 if number else [[]] * 56
        mine, theirs = digit_rows(item.learner), digit_rows(item.reference)
        top = [a + s + b for a, s, b in zip(top, spacer, mine, strict=True)]
        bottom = [a + s + b for a, s, b in zip(bottom, spacer, theirs, strict=True)]
    return png(top + [[0] * len(top[0])] * gap + bottom)


# How a notebook names what a learner can do next (presenter.py).
KEYS = presenter.Front(hint=lambda level: f"`%dunderquest hint level{level.number}`",
                       solution=lambda level: f"`dunderquest solution {level.number}` in a terminal",
                       open_level=lambda level: f"`%%dunderquest level{level.number}`",
                       finale="`dunderquest finale` in a terminal")


@dataclass
class CellResult:
    """A level's result, as a notebook shows it (`_repr_html_`) and as plain text (`__repr__`)."""

    level: Level
    result: LevelResult
    outcome: Outcome | None
    panel: Panel | None = None
    backup: Path | None = None
    locked: bool = False  # checked before the levels ahead of it were passed
    has_finale: bool = False  # the course has a finale (after its last level)
    not_recorded: str | None = None  # why the result could not be recorded (a full disk), when it could not

    def headline(self) -> str:
        passed = sum(check.passed for check in self.result.checks)
        verdict = "PASSED" if self.result.passed else "NOT YET"
        return (f"Level {self.level.number}: {self.level.title} ({self.level.class_name}) {verdict}: {passed}/"
                f"{len(self.result.checks)} checks passed in {self.result.seconds:.1f} s")

    def after(self) -> list[str]:
        lines = ([self.result.mistake] if self.result.mistake else []) + list(self.result.notes)
        if self.locked:
            lines.append(presenter.LOCKED)
        if self.backup is not None:
            lines.append(f"The file had changed outside this notebook; that version was kept as {self.backup}.")
        if self.outcome is not None:
            lines += presenter.after_check(self.outcome, KEYS, has_finale=self.has_finale)
        if self.not_recorded:
            lines.append(self.not_recorded)
        return lines

    def __repr__(self) -> str:
        out = [self.headline(), f"Data: {self.result.data}", *presenter.check_lines(self.result)]
        if self.panel is not None:
            labels = ", ".join(f"[{item.index}] {item.learner.label if item.learner else item.error}"
                               for item in self.panel.items)
            out.append(f"MNIST panel ({self.panel.data}): yours: {labels}")
        return "\n".join(out + self.result.printed_lines() + self.after())

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.result.passed else "#cf222e"
        rows = []
        for check in self.result.checks:
            mark = "&#10003;" if check.passed else "&#10007;"
            where = f" (line {check.line})" if check.line and not check.passed else ""
            message = html.escape(check.message or "").replace("\n", "<br>") if not check.passed else ""
            rows.append(f'<tr><td style="color:{"#1a7f37" if check.passed else "#cf222e"}">{mark}</td>'
                        f"<td>{html.escape(check.name)}{where}</td><td>{message}</td></tr>")
        parts = [f'<div class="dunderquest-result"><p><b style="color:{colour}">{html.escape(self.headline())}</b>'
                 f"<br><small>{html.escape(self.result.data)}</small></p>",
                 '<table><thead><tr><th></th><th>check</th><th>what happened</th></tr></thead><tbody>',
                 *rows, "</tbody></table>"]
        if self.panel is not None and self.panel.items:
            image = base64.b64encode(panel_png(self.panel)).decode()
            first, last = self.panel.items[0].index, self.panel.items[-1].index
            labels = " ".join(html.escape(str(item.learner.label if item.learner else "?"))
                              for item in self.panel.items)
            parts.append(f'<p>MNIST items {first} to {last} of {self.panel.total:,} ({html.escape(self.panel.data)}): '
                         f'yours on top, the reference below. Your labels: {labels}</p>'
                         f'<img class="dunderquest-digits" alt="MNIST digits" src="data:image/png;base64,{image}">')
        if printed := self.result.printed_lines():
            parts.append(f"<p>{html.escape(printed[0])}</p><pre>{html.escape(self.result.printed.strip())}</pre>")
        parts += [f"<p>{html.escape(line)}</p>" for line in self.after()]
        return "\n".join(parts) + "</div>"


@dataclass
class Shown:
    """Plain text (a hint, the list of levels), shown as Markdown in a notebook."""

    text: str

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text


# -- the session -----------------------------------------------------------------------------------------


class Session:
    """One kernel's dunderquest: its workspace, and the grader it keeps warm between cells."""

    def __init__(self) -> None:
        self.workspace: Workspace | None = None
        self.grader: Any = None
        self.written: dict[str, str] = {}  # level id -> the text this session last saved for it

    def use(self, folder: Path | None) -> Workspace:
        if folder is not None:
            workspace = Workspace.find(folder) or Workspace.create(folder)
        else:
            try:
                workspace = resolve_workspace(None).workspace
            except NoWorkspace as err:
                raise NotebookError(str(err)) from None
        workspace.progress.load()
        if self.workspace is None or workspace.root != self.workspace.root:
            self.close()
        self.workspace = workspace
        return workspace

    def current(self) -> Workspace:
        return self.workspace or self.use(None)

    def level(self, name: str) -> Level:
        try:
            return self.current().catalog.get(name)
        except UnknownLevel as err:
            raise NotebookError(str(err)) from None

    def save(self, level: Level, text: str) -> Path | None:
        """Writes the cell as the level's file; a version changed outside this notebook is kept."""
        workspace = self.current()
        path = workspace.exercise(level)
        backup = None
        try:
            on_disk = path.read_bytes() if path.exists() else None
            if on_disk is not None and on_disk.decode("utf-8", errors="replace") not in (
                    text, level.stub(), self.written.get(level.id)):
                backup = workspace.back_up(level)
            if on_disk != text.encode("utf-8"):  # the same text is not written again (a full disk allows that)
                write_atomically(path, text)
        except OSError as err:  # a full disk, a read-only workspace, a folder in the file's place
            raise NotebookError(not_saved(level.exercise_path, err)) from None
        self.written[level.id] = text
        return backup

    def check(self, level: Level, backup: Path | None = None) -> CellResult:
        workspace = self.current()
        locked = workspace.progress.status(level) is Status.LOCKED
        if self.grader is None:
            from .grader.service.lingering_client import warm_grader

            self.grader = warm_grader(workspace.pack)
        from .grader.service.client import GraderUnavailable

        file = workspace.exercise(level)
        panel: list = []
        drawing = None
        if level.panel is not None:  # drawn beside the checks, by another of the grader's runners
            def draw() -> None:
                with contextlib.suppress(GraderUnavailable):
                    panel.append(self.grader.mnist_panel(level, file))

            drawing = threading.Thread(target=draw, daemon=True)
            drawing.start()
        try:
            result = self.grader.grade(level, file)
        except GraderUnavailable as err:
            raise NotebookError(f"The grader could not run ({err}). Try `dunderquest check {level.id}` in a "
                                "terminal to see why.") from None
        finally:
            if drawing is not None:
                drawing.join()
        try:
            outcome, problem = workspace.progress.record(level, result.passed), None
        except OSError as err:  # the result is shown all the same
            outcome, problem = None, not_recorded(workspace.progress.path, err)
        return CellResult(level, result, outcome, panel[0] if panel else None, backup, locked,
                          workspace.pack.finale is not None, problem)

    def hint(self, level: Level) -> Shown:
        hint = self.current().progress.next_hint(level)
        return Shown(f"**{hint.heading}** ({level.class_name})\n\n{hint.text}")

    def listing(self) -> Shown:
        workspace = self.current()
        state = workspace.progress.load()
        lines = [f"Workspace: `{workspace.root}`", ""]
        for level in workspace.catalog:
            lines.append(f"- {level.number}. {level.title} ({level.class_name}): "
                         f"{workspace.progress.status(level, state)}, `%%dunderquest {level.id}`")
        return Shown("\n".join(lines))

    def close(self) -> None:
        if self.grader is not None:
            self.grader.close()
            self.grader = None


def run_line(session: Session, line: str) -> Any:
    words = shlex.split(line)
    if not words:
        return Shown(USAGE)
    command, rest = words[0], words[1:]
    if command == "workspace":
        workspace = session.use(Path(rest[0]).expanduser()) if rest else session.current()
        return Shown(f"Workspace: `{workspace.root}`")
    if command == "lesson" and len(rest) <= 1:
        level = session.level(rest[0]) if rest else session.current().progress.current()
        return Shown(level.lesson())
    if command in ("hint", "check") and len(rest) == 1:
        level = session.level(rest[0])
        return session.hint(level) if command == "hint" else session.check(level)
    if command == "list" and not rest:
        return session.listing()
    raise NotebookError(f"Unknown: %dunderquest {line.strip()}. {USAGE}")


def run_cell(session: Session, line: str, cell: str) -> CellResult:
    words = shlex.split(line)
    if len(words) != 1:
        raise NotebookError("Name the level the cell is for: %%dunderquest level3")
    level = session.level(words[0])
    backup = session.save(level, cell)
    return session.check(level, backup)


# -- IPython ------------------------------------------------------------------------------------------------


def load_ipython_extension(ipython: Any) -> None:
    from IPython.core.magic import Magics, line_cell_magic, magics_class
    from IPython.display import display

    @magics_class
    class DunderquestMagics(Magics):
        session = Session()

        @line_cell_magic
        def dunderquest(self, line: str, cell: str | None = None) -> None:
            try:
                shown = run_line(self.session, line) if cell is None else run_cell(self.session, line, cell)
            except NotebookError as err:
                print(f"dunderquest: {err}")
                return
            display(shown)

    ipython.register_magics(DunderquestMagics)
