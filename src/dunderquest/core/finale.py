"""The finale: after the last level, the learner's own classes train a small model on MNIST.

This module is the plain-data side of it, without torch: which levels the finale needs, and the
events a finale run reports (the loss as it falls, the test accuracy, a grid of test digits with
the model's guesses). The trusted driver (grader/finale.py) makes them, `dunderquest finale --format
jsonl` writes one per line, and the game (tui/finale.py) reads them back to draw the run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .catalog import Catalog, Level, UnknownLevel
from .progress import Progress, Status

# The levels whose classes the finale runs, by id, with what it takes from each.
NEEDED = {
    "level3": ("Numbers",),
    "level7": ("DataLoader",),
    "level8": ("no_grad",),
    "level10": ("Compose", "ToTensor", "Normalize"),
}


def needed_levels(catalog: Catalog) -> list[Level]:
    """The levels of NEEDED that the catalog has, in play order."""
    levels = []
    for level_id in NEEDED:
        try:
            levels.append(catalog.get(level_id))
        except UnknownLevel:
            continue
    return levels


def missing_level_ids(catalog: Catalog) -> list[str]:
    """Levels the finale needs that this copy of dunderquest does not have (none in a release)."""
    have = {level.id for level in needed_levels(catalog)}
    return [level_id for level_id in NEEDED if level_id not in have]


def level_to_finish_first(progress: Progress) -> Level | None:
    """The first level the finale needs that the learner has not passed, or None when it may run."""
    state = progress.load()
    for level in needed_levels(progress.catalog):
        if progress.status(level, state) is not Status.PASSED:
            return level
    return None


def finish_first_message(level: Level) -> str:
    uses = ", ".join(f"`{name}`" for name in NEEDED[level.id])
    return (f"The finale trains a model with your own classes, and it needs your {uses} from level "
            f"{level.number} ({level.title}). Finish level {level.number} first: dunderquest check "
            f"{level.number}")


# -- events ---------------------------------------------------------------------------------------


@dataclass
class Started:
    """Training is about to begin: `steps` batches in all (as the learner's DataLoader counts them)."""

    data: str  # which MNIST, in words
    train_size: int
    test_size: int
    epochs: int
    steps: int
    batch_size: int
    model: str  # the model, in words
    event: str = "started"


@dataclass
class Losses:
    """The training loss of each step from `first_step` (1-based) on, in `epoch` (1-based)."""

    first_step: int
    epoch: int
    losses: list[float]
    event: str = "losses"


@dataclass
class Accuracy:
    """How many test digits the trained model guesses right, out of `total`."""

    correct: int
    total: int
    event: str = "accuracy"

    @property
    def fraction(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def advice(self) -> str:
        """What to look at when the model learned little: classes that work like PyTorch's reach about 90%."""
        if self.fraction >= 0.5:
            return ""
        return ("That is far below the 85-90% these classes reach when they work like PyTorch's. Look at how your "
                "ToTensor scales the pixels to [0, 1], at your Normalize, and at how your DataLoader keeps each "
                "image with its label.")


@dataclass
class Guess:
    """One test digit, its label, and the model's guess."""

    index: int  # in the test split
    pixels: list[int]  # 784 grey levels (0-255), row by row
    label: int
    guess: int

    @property
    def right(self) -> bool:
        return self.guess == self.label


@dataclass
class Guesses:
    """A grid of test digits with the model's guesses."""

    digits: list[Guess] = field(default_factory=list)
    event: str = "guesses"

    @classmethod
    def from_json(cls, raw: dict) -> Guesses:
        return cls([Guess(**digit) for digit in raw["digits"]])


@dataclass
class Finished:
    """The run ended well, after `seconds`."""

    seconds: float
    event: str = "finished"


@dataclass
class Problem:
    """The run stopped: `message` says what the learner's code did, and where to look."""

    message: str
    event: str = "problem"


Event = Started | Losses | Accuracy | Guesses | Finished | Problem

_KINDS: dict[str, Any] = {"started": Started, "losses": Losses, "accuracy": Accuracy, "finished": Finished,
                          "problem": Problem}


def event_to_json(event: Event) -> dict:
    return asdict(event)


def event_from_json(raw: dict) -> Event:
    """The event a JSON object describes; ValueError when it describes none."""
    if not isinstance(raw, dict):
        raise ValueError("an event is a JSON object")
    kind = raw.get("event")
    try:
        if kind == "guesses":
            return Guesses.from_json(raw)
        return _KINDS[kind](**raw)
    except (KeyError, TypeError) as err:
        raise ValueError(f"not a finale event: {kind!r} ({err})") from None
