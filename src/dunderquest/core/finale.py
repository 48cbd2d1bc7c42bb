"""The finale: after the last level, the learner's own classes train a small model on MNIST.

This module is the plain-data side of it, without torch: which levels the finale needs, and the
events a finale run reports (the loss as it falls, the test accuracy, a grid of test digits with
the model's guesses). The trusted driver (grader/finale.py) makes them, `dunderquest finale --format
jsonl` writes one per line, and the game (tui/finale.py) reads them back to draw the run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .catalog import Catalog, Level
from .progress import Progress, Status

# The classes the finale runs. Each comes from the level whose file has it (its `class` or `also` in
# level.toml), the last such level in play order: levels are found by the classes they teach, so
# adding or renumbering levels never points the finale at the wrong file.
NEEDED = ("Numbers", "DataLoader", "no_grad", "Compose", "ToTensor", "Normalize")


def finale_classes(catalog: Catalog) -> dict[str, Level]:
    """Each class of NEEDED that some level has, with the level it comes from."""
    found: dict[str, Level] = {}
    for level in catalog:
        for name in level.classes:
            if name in NEEDED:
                found[name] = level
    return {name: found[name] for name in NEEDED if name in found}


def needed_levels(catalog: Catalog) -> list[Level]:
    """The levels the finale takes classes from, in play order."""
    levels = {level.id: level for level in finale_classes(catalog).values()}
    return sorted(levels.values(), key=lambda level: level.number)


def classes_from(level: Level, catalog: Catalog) -> list[str]:
    """The classes of NEEDED that the finale takes from `level`."""
    return [name for name, source in finale_classes(catalog).items() if source.id == level.id]


def missing_classes(catalog: Catalog) -> list[str]:
    """Classes the finale needs that no level of this catalog has (none in a release)."""
    have = finale_classes(catalog)
    return [name for name in NEEDED if name not in have]


def level_to_finish_first(progress: Progress) -> Level | None:
    """The first level the finale needs that the learner has not passed, or None when it may run (a
    course whose levels lack a class the finale needs has no finale: see `missing_classes`)."""
    state = progress.load()
    for level in needed_levels(progress.catalog):
        if progress.status(level, state) is not Status.PASSED:
            return level
    return None


def finish_first_message(level: Level, catalog: Catalog) -> str:
    uses = ", ".join(f"`{name}`" for name in classes_from(level, catalog))
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
