"""The finale: after the last level, the learner's own classes train a small model on MNIST.

A pack names its finale's pipeline in pack.toml's `[finale]` table: for each part of the training,
a Python expression that builds it in the sandbox, with the learner's classes in scope (each from
the level that teaches it). A part the table leaves out is PyTorch's own. For example (the
built-in course's own is in course/pack.toml):

    [finale]
    transform = "Pipeline([Scale(), Shift(0.13, 0.31)])"
    dataset = "Digits(images, labels)"
    loader = "Batches(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)"
    evaluation = "quiet()"
    advice = "Look at how your Scale divides the pixels by 255."

This module is the plain-data side of it, without torch: the pipeline, which levels the finale
needs, and the events a finale run reports (the loss as it falls, the test accuracy, a grid of test
digits with the model's guesses). The trusted driver (grader/finale.py) makes them, `dunderquest
finale --format jsonl` writes one per line, and the game (tui/finale.py) reads them back to draw the
run.
"""

from __future__ import annotations

import ast
from dataclasses import asdict, dataclass, field
from typing import Any

from .catalog import Catalog, Level
from .progress import Progress, Status
from .syntax import parse

# The parts of the training a pack may build from the learner's classes, with the names in scope
# for each, and what each must make.
PARTS = {
    "transform": ((), "one MNIST image (a PIL image) made into a float tensor of shape [1, 28, 28]"),
    "dataset": (("images", "labels"), "a dataset of (image, label) pairs, from a tensor of images [N, 1, 28, "
                                      "28] and one of labels [N]"),
    "loader": (("dataset", "batch_size", "shuffle", "generator"), "an iterable of [images, labels] batches"),
    "evaluation": ((), "a context manager that turns autograd off while the test digits are guessed"),
}
IN_SCOPE = {"torch"}  # besides the learner's classes and each part's own names


class FinaleError(ValueError):
    """What is wrong with a pack's [finale] table."""


@dataclass(frozen=True)
class Finale:
    """A pack's finale: the expression that builds each part of the training (`PARTS`), and what to
    tell a learner whose model learned little."""

    parts: tuple[tuple[str, str], ...]  # (part, expression), for the parts the pack builds
    advice: str = ""

    def expression(self, part: str) -> str | None:
        return dict(self.parts).get(part)

    def names(self, *parts: str) -> list[str]:
        """The names the expressions of `parts` (of every part by default) use, in order, once each."""
        found: list[str] = []
        for part, expression in self.parts:
            if parts and part not in parts:
                continue
            for node in ast.walk(parse(expression, mode="eval")):
                if isinstance(node, ast.Name) and node.id not in found:
                    found.append(node.id)
        return found

    def classes(self, catalog: Catalog) -> dict[str, Level]:
        """Each learner class the pipeline uses, with the level it comes from: the last level in
        play order whose file has it (its `class` or `also`), so levels are found by the classes
        they teach, never by their place."""
        taught: dict[str, Level] = {}
        for level in catalog:
            for name in level.classes:
                taught[name] = level
        used = [name for name in self.names() if name in taught]
        # In play order, as the learner met them.
        used.sort(key=lambda name: (taught[name].number, taught[name].classes.index(name)))
        return {name: taught[name] for name in used}

    def levels(self, catalog: Catalog) -> list[Level]:
        """The levels the finale takes classes from, in play order."""
        levels = {level.id: level for level in self.classes(catalog).values()}
        return sorted(levels.values(), key=lambda level: level.number)

    def classes_from(self, level: Level, catalog: Catalog) -> list[str]:
        """The classes the finale takes from `level`."""
        return [name for name, source in self.classes(catalog).items() if source.id == level.id]

    def unknown_names(self, catalog: Catalog) -> list[str]:
        """Names the pipeline uses that are neither a class of some level nor in scope (a pack's mistake)."""
        scope = IN_SCOPE | {name for names, _ in PARTS.values() for name in names} | set(self.classes(catalog))
        return [name for name in self.names() if name not in scope]


def read_finale(raw: object) -> Finale | None:
    """The finale that pack.toml's `[finale]` table describes (None: the pack has none)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise FinaleError("finale must be a table: [finale], with a line for each part it builds.")
    unknown = sorted(set(raw) - {*PARTS, "advice"})
    if unknown:
        raise FinaleError(f"unknown key {unknown[0]!r}; the keys are {', '.join(PARTS)} and advice.")
    parts = []
    for part in PARTS:
        if part not in raw:
            continue
        expression = raw[part]
        try:
            parse(expression, mode="eval")
        except (SyntaxError, TypeError, ValueError):
            raise FinaleError(f"{part} must be one Python expression, as text (got {expression!r}).") from None
        parts.append((part, expression))
    advice = raw.get("advice", "")
    if not isinstance(advice, str):
        raise FinaleError("advice must be text.")
    return Finale(tuple(parts), advice)


def in_words(names: list[str]) -> str:
    """"A, B and C"."""
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def level_to_finish_first(finale: Finale, progress: Progress) -> Level | None:
    """The first level the finale needs that the learner has not passed, or None when it may run."""
    state = progress.load()
    for level in finale.levels(progress.catalog):
        if progress.status(level, state) is not Status.PASSED:
            return level
    return None


def finish_first_message(level: Level, finale: Finale, catalog: Catalog) -> str:
    uses = ", ".join(f"`{name}`" for name in finale.classes_from(level, catalog))
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
    classes: list[str] = field(default_factory=list)  # the learner's classes it trains with
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
    """How many test digits the trained model guesses right, out of `total`, and what to look at
    when that is far below what classes that work like PyTorch's reach (the pack's words)."""

    correct: int
    total: int
    advice: str = ""
    event: str = "accuracy"

    @property
    def fraction(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def learned_little(self) -> bool:
        """Classes that work like PyTorch's reach 85-90%; below half, something is wrong with them."""
        return self.fraction < 0.5


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
