"""The finale's screen: the learner's own classes train a model on MNIST, and the game shows the
loss falling as a live plot, then the test accuracy, then a grid of test digits (drawn like the
MNIST panel's) with the model's guesses, the wrong ones marked.

The training runs in a `dunderquest finale --format jsonl` subprocess, so the game never imports
torch; this screen only reads its events (core/finale.py). A test hands it a fake run instead.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ItemGrid, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual_plotext import PlotextPlot

from ..core.finale import Accuracy, Event, Finished, Guesses, Losses, Problem, Started, event_from_json, in_words
from .panel_screen import picture


class FinaleRun(Protocol):
    """A finale run, as the screen follows it: its events as they come, and a way to stop it."""

    def events(self) -> Iterator[Event]: ...
    def stop(self) -> None: ...


class FinaleProcess:
    """The real run: `dunderquest finale --format jsonl` for a workspace, in a subprocess."""

    def __init__(self, workspace_root: Path):
        self.command = [sys.executable, "-m", "dunderquest", "finale", "--format", "jsonl",
                        "--workspace", str(workspace_root)]
        self.process: subprocess.Popen | None = None
        self.stopped = False

    def events(self) -> Iterator[Event]:
        with tempfile.TemporaryFile() as errors:
            try:
                self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=errors,
                                                stdin=subprocess.DEVNULL)
            except OSError as err:
                yield Problem(f"The finale could not start: {err}")
                return
            ended = False
            for line in self.process.stdout:
                try:
                    event = event_from_json(_json(line))
                except ValueError:
                    continue  # not an event: nothing else is written to stdout, but never trip on it
                ended = isinstance(event, Finished | Problem)
                yield event
            code = self.process.wait()
            if not ended and not self.stopped:
                errors.seek(0)
                tail = errors.read()[-600:].decode(errors="replace").strip()
                yield Problem(f"The finale ended without a result (exit status {code})."
                              + (f"\n{tail}" if tail else ""))

    def stop(self) -> None:
        self.stopped = True
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()


def _json(line: bytes) -> dict:
    try:
        return json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(str(err)) from None


class DigitCard(Vertical):
    """One test digit with the model's guess; a wrong guess gets the class `-wrong`."""

    def __init__(self, pixels: list[int], label: int, guess: int):
        right = guess == label
        super().__init__(classes="finale-card" if right else "finale-card -wrong")
        self.pixels, self.label, self.guess = pixels, label, guess
        self.border_subtitle = f"test digit, label {label}"

    def compose(self) -> ComposeResult:
        yield Static(picture(self.pixels), classes="finale-picture")
        if self.guess == self.label:
            yield Static(Text(f"guess {self.guess} ✓", style="bold green"), classes="finale-guess")
        else:
            yield Static(Text(f"guess {self.guess} ✗ (it is a {self.label})", style="bold red"),
                         classes="finale-guess")


class FinaleScreen(Screen[None]):
    DEFAULT_CSS = """
    FinaleScreen #finale-info { height: auto; padding: 0 1; }
    FinaleScreen #finale-loss { height: 14; margin: 0 1; }
    FinaleScreen #finale-accuracy { height: auto; padding: 0 1; margin-top: 1; }
    FinaleScreen #finale-digits-title { height: auto; padding: 0 1; }
    FinaleScreen #finale-digits { height: auto; grid-gutter: 0 1; padding: 0 1; }
    FinaleScreen .finale-card { width: 32; height: auto; border: round $primary; padding: 0 1;
                                border-subtitle-color: $text-muted; }
    FinaleScreen .finale-card.-wrong { border: heavy $error; }
    FinaleScreen .finale-picture { width: 28; height: 14; }
    FinaleScreen .finale-guess { height: 1; }
    """

    BINDINGS = [Binding("escape", "close", "Back", id="finale_close")]

    class Arrived(Message):
        """One event of the run, in the screen's thread."""

        def __init__(self, event: Event):
            super().__init__()
            self.event = event

    def __init__(self, run: FinaleRun, *, id: str | None = None):
        super().__init__(id=id)
        self.run = run
        self.started: Started | None = None
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.epoch = 0
        self.outcome: Finished | Problem | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="finale-body"):
            yield Static("The finale: your own classes are about to train a model on MNIST. Starting the "
                         "sandbox (importing torch)…", id="finale-info")
            yield PlotextPlot(id="finale-loss")
            yield Static(id="finale-accuracy")
            yield Static(id="finale-digits-title")
            yield ItemGrid(id="finale-digits", min_column_width=32)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "the finale"
        self.plot_losses()
        self.follow()

    @work(thread=True, exclusive=True, group="finale")
    def follow(self) -> None:
        for event in self.run.events():
            self.post_message(self.Arrived(event))

    def action_close(self) -> None:
        self.run.stop()
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.run.stop()  # the game may quit while the run goes on: it must not outlive the game

    # -- events ---------------------------------------------------------------------------------

    def on_finale_screen_arrived(self, message: Arrived) -> None:
        event = message.event
        if isinstance(event, Started):
            self.started = event
        elif isinstance(event, Losses):
            self.epoch = event.epoch
            self.steps.extend(range(event.first_step, event.first_step + len(event.losses)))
            self.losses.extend(event.losses)
            self.plot_losses()
        elif isinstance(event, Accuracy):
            self.show_accuracy(event)
        elif isinstance(event, Guesses):
            self.show_guesses(event)
        elif isinstance(event, Finished | Problem):
            self.outcome = event
        self.show_info()

    def show_info(self) -> None:
        info = Text()
        run = self.started
        if isinstance(self.outcome, Problem):
            info.append("The finale stopped. ", style="bold red")
            info.append(self.outcome.message)
        elif run is None:
            return
        elif isinstance(self.outcome, Finished):
            info.append(f"Your {in_words(run.classes) or 'classes'} trained a real model in "
                        f"{self.outcome.seconds:.1f} s.", style="bold")
        else:
            info.append(f"Training with your classes: epoch {self.epoch or 1} of {run.epochs} · step "
                        f"{len(self.losses)} of {run.steps}", style="bold")
            if self.losses:
                info.append(f" · loss {self.losses[-1]:.3f}")
        if run is not None:
            info.append(f"\n{run.model}, batches of {run.batch_size}; {run.train_size:,} training and "
                        f"{run.test_size:,} test digits. Data: {run.data}", style="dim")
        self.query_one("#finale-info", Static).update(info)

    def plot_losses(self) -> None:
        widget = self.query_one("#finale-loss", PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.title("Training loss (cross-entropy), one point per batch")
        plt.xlabel("step")
        if self.losses:
            plt.plot(self.steps, self.losses, marker="braille")
            last = self.steps[-1]
            plt.xticks(sorted({1, *(round(last * quarter / 4) for quarter in range(1, 5))}))  # whole steps
        widget.refresh()

    def show_accuracy(self, accuracy: Accuracy) -> None:
        text = Text()
        text.append("Test accuracy: ")
        text.append(f"{accuracy.fraction:.1%}", style="bold green" if accuracy.fraction >= 0.85 else "bold yellow")
        text.append(f"  ({accuracy.correct:,} of {accuracy.total:,} digits the model never saw guessed right)")
        if accuracy.advice:
            text.append(f"\n{accuracy.advice}", style="yellow")
        self.query_one("#finale-accuracy", Static).update(text)

    def show_guesses(self, guesses: Guesses) -> None:
        grid = self.query_one("#finale-digits", ItemGrid)
        grid.remove_children()
        grid.mount_all(DigitCard(d.pixels, d.label, d.guess) for d in guesses.digits)
        wrong = sum(not d.right for d in guesses.digits)
        self.query_one("#finale-digits-title", Static).update(
            f"The first {len(guesses.digits)} test digits and the model's guesses ({wrong} wrong):")
