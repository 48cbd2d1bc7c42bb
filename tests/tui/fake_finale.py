"""A fake finale run for the game's tests: a fixed stream of events, as `dunderquest finale --format
jsonl` would send them, with real MNIST digits, so a snapshot of the screen never changes."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator

from fakes import SAMPLE, mnist_sample

from dunderquest.core.finale import Accuracy, Event, Finished, Guess, Guesses, Losses, Problem, Started

STEPS, SLICE = 250, 25


def loss_at(step: int) -> float:
    """A loss that falls like a real run's, with a fixed wobble."""
    return round(2.3 * math.exp(-step / 40) + 0.25 + 0.1 * math.sin(step * 1.7), 4)


def finale_events(wrong_at: frozenset[int] = frozenset({2, 7})) -> list[Event]:
    images, labels = mnist_sample(12)
    events: list[Event] = [Started(SAMPLE, 4000, 1000, 2, STEPS, 32, "784 -> 64 -> 10 MLP",
                                   ["Numbers", "DataLoader", "no_grad", "Compose", "ToTensor", "Normalize"])]
    for first in range(1, STEPS + 1, SLICE):
        events.append(Losses(first, 1 if first <= STEPS // 2 else 2, [loss_at(s) for s in range(first, first + SLICE)]))
    events.append(Accuracy(903, 1000))
    events.append(Guesses([Guess(i, images[i], labels[i], (labels[i] + 3) % 10 if i in wrong_at else labels[i])
                           for i in range(12)]))
    events.append(Finished(12.5))
    return events


class FakeFinale:
    """Hands out `events`; with `hold_after` set, it waits after that many events until stopped."""

    def __init__(self, events: list[Event], hold_after: int | None = None):
        self.given = events
        self.hold_after = hold_after
        self.stopped = threading.Event()

    def events(self) -> Iterator[Event]:
        for count, event in enumerate(self.given):
            if count == self.hold_after:
                self.stopped.wait(10)
                return
            yield event

    def stop(self) -> None:
        self.stopped.set()


def problem_events() -> list[Event]:
    return [Problem("`training steps 1 to 25` raised IndexError: list index out of range "
                    "(exercises/level7_dataloader.py, line 40, in __next__)")]
