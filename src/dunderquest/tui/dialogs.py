"""Small modal screens: a question with a few answers, a note (a hint), and the MNIST download."""

from __future__ import annotations

import subprocess

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Log, Markdown, Static


class ChoiceScreen(ModalScreen[str | None]):
    """Asks one question. Dismisses with the id of the chosen answer, or None on escape."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="choice_cancel")]
    # The first answer has the focus, so enter takes it. Textual focuses it once the buttons are
    # mounted; a query from on_mount could run before they are, and end the game.
    AUTO_FOCUS = "Button"

    def __init__(self, question: str, answers: list[tuple[str, str]], *, id: str | None = None):
        super().__init__(id=id)
        self.question = question
        self.answers = answers

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="question")
            with Horizontal(classes="answers"):
                for i, (answer, label) in enumerate(self.answers):
                    yield Button(label, id=f"answer-{answer}", variant="primary" if i == 0 else "default")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id.removeprefix("answer-"))


class NoteScreen(ModalScreen[None]):
    """A short piece of Markdown to read, such as a hint."""

    BINDINGS = [Binding("escape,enter,f1", "dismiss(None)", "Close", id="note_close")]

    def __init__(self, title: str, markdown: str, *, id: str | None = None):
        super().__init__(id=id)
        self.title_text = title
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog note") as dialog:
            dialog.border_title = self.title_text
            dialog.border_subtitle = "esc closes"
            with VerticalScroll():
                yield Markdown(self.markdown)


class DownloadScreen(ModalScreen[int | None]):
    """Runs a command (the MNIST download) and shows what it prints. Dismisses with its exit code."""

    BINDINGS = [Binding("escape", "close", "Close", id="download_close")]

    def __init__(self, command: list[str], *, id: str | None = None):
        super().__init__(id=id)
        self.command = command
        self.process: subprocess.Popen | None = None
        self.returncode: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog download") as dialog:
            dialog.border_title = "Downloading MNIST"
            dialog.border_subtitle = "esc stops / closes"
            yield Log(id="download-log")

    def on_mount(self) -> None:
        self.query_one(Log).write_line("$ dunderquest data download")
        self.download()

    @work(thread=True, exclusive=True, group="download")
    def download(self) -> None:
        log = self.query_one(Log)
        try:
            # A subprocess, not a thread: the download imports torchvision (and torch), which the
            # game's own process never does.
            self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, bufsize=0)
        except OSError as err:
            self.app.call_from_thread(log.write_line, f"Could not start the download: {err}")
            return
        pending = b""
        while chunk := self.process.stdout.read(256):
            # torchvision's progress bar redraws itself with \r: show each state as a line.
            pending += chunk.replace(b"\r", b"\n")
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line.strip():
                    self.app.call_from_thread(log.write_line, line.decode(errors="replace"))
        if pending.strip():
            self.app.call_from_thread(log.write_line, pending.decode(errors="replace"))
        self.returncode = self.process.wait()
        done = "Done." if self.returncode == 0 else "The download did not finish."
        self.app.call_from_thread(log.write_line, f"{done} Press esc to close.")

    def action_close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
        self.dismiss(self.returncode)
