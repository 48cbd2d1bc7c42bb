"""`dunderquest finale`: the learner's own classes train a model on MNIST (see grader/finale.py).

For people it draws a Rich progress bar with the loss, then the test accuracy and the model's
guesses for a few test digits. With `--format jsonl` it writes one JSON event per line instead
(core/finale.py), which is how the game follows a run without importing torch itself."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from queue import Queue
from typing import TextIO

from .core.finale import (
    Accuracy,
    Event,
    Finished,
    Guesses,
    Losses,
    Problem,
    Started,
    event_to_json,
    finish_first_message,
    in_words,
    level_to_finish_first,
)
from .core.workspace import Workspace
from .exit_status import FAILED, OK
from .grader.service.address import linger_seconds
from .grader.service.client import Cancelled, GraderUnavailable
from .grader.service.lingering_client import LingeringClient


def run_finale(workspace: Workspace, format: str = "text", *, out: TextIO | None = None,
               sandboxes: object = None) -> int:
    """Runs the finale in `workspace` and reports it; 0 when it ran to the end, 1 otherwise."""
    out = out or sys.stdout
    finale = workspace.pack.finale
    level = level_to_finish_first(finale, workspace.progress) if finale is not None else None
    if finale is None or level is not None:
        problem = Problem(finish_first_message(level, finale, workspace.catalog) if level is not None else
                          f"The course {workspace.pack.title} has no finale.")
        if format == "jsonl":
            _write_line(out, problem)
        else:
            print(problem.message, file=sys.stderr)
        return FAILED

    events = _events(workspace, sandboxes)
    if format == "jsonl":
        last: Event | None = None
        for last in events:
            _write_line(out, last)
        return OK if isinstance(last, Finished) else FAILED
    return _show(events, out, finale.classes(workspace.catalog))


def _events(workspace: Workspace, sandboxes: object = None) -> Iterator[Event]:
    """The finale's events as they happen: from the lingering grader (see `dunderquest check`), or
    run in this process when lingering is off, when `sandboxes` are given, or when the lingering
    grader cannot answer before the first event."""
    if sandboxes is None and linger_seconds() > 0:
        client = LingeringClient(workspace.pack, fallback=False)
        files = {level.id: workspace.exercise(level) for level in workspace.pack.finale.levels(workspace.catalog)}
        queue: Queue = Queue()

        def run() -> None:
            try:
                client.finale(files, on_event=queue.put)
            except (GraderUnavailable, Cancelled) as err:
                queue.put(err)
            finally:
                queue.put(None)

        threading.Thread(target=run, daemon=True).start()
        first = True
        try:
            while (event := queue.get()) is not None:
                if isinstance(event, Exception):
                    if first and isinstance(event, GraderUnavailable):
                        break  # nothing shown yet: run it here instead
                    yield Problem(f"The grader stopped during the finale ({event}). Run `dunderquest finale` again.")
                    return
                first = False
                yield event
            else:
                return
        finally:
            client.close()
    from .grader.finale import finale_events
    from .grader.service.one_off import one_off_sandboxes

    yield from finale_events(workspace.pack, workspace.exercise, sandboxes or one_off_sandboxes(workspace.pack))


def _write_line(out: TextIO, event: Event) -> None:
    out.write(json.dumps(event_to_json(event)) + "\n")
    out.flush()


def _show(events, out: TextIO, classes: dict) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    console = Console(file=out)
    console.print(f"The finale: your {in_words(list(classes)) or 'classes'} train a model on MNIST. Starting the "
                  "sandbox (importing torch)…")
    bar = Progress(TextColumn("[bold]epoch {task.fields[epoch]}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("steps · loss {task.fields[loss]}"), TimeElapsedColumn(), console=console)
    task = None
    with bar:
        for event in events:
            if isinstance(event, Started):
                bar.console.print(f"Data: {event.data}; training on {event.train_size:,} digits, testing on "
                                  f"{event.test_size:,}.\nModel: {event.model}; {event.epochs} epochs of "
                                  f"batches of {event.batch_size}.")
                task = bar.add_task("training", total=event.steps, epoch=1, loss="…")
            elif isinstance(event, Losses) and task is not None:
                bar.update(task, advance=len(event.losses), epoch=event.epoch, loss=f"{event.losses[-1]:.3f}")
            elif isinstance(event, Accuracy):
                bar.stop()
                console.print(f"\nTest accuracy: [bold]{event.fraction:.1%}[/bold] ({event.correct:,} of "
                              f"{event.total:,} test digits guessed right)")
                if event.advice:
                    console.print(event.advice, style="yellow", highlight=False)
            elif isinstance(event, Guesses):
                marks = "  ".join(f"{d.guess}" if d.right else f"[bold red]{d.guess}✗(is {d.label})[/bold red]"
                                  for d in event.digits)
                console.print(f"The model's guesses for the first {len(event.digits)} test digits: {marks}")
            elif isinstance(event, Finished):
                console.print(f"Done in {event.seconds:.1f} s. Your dunder methods ran a real training loop.")
                return OK
            elif isinstance(event, Problem):
                bar.stop()
                console.print(Text.assemble(("The finale stopped. ", "bold red"), event.message))
                return FAILED
    return FAILED
