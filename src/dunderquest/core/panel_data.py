"""What the game's MNIST panel shows: a window of indices, each with the digit the learner's class
returned beside the one the real torchvision / DataLoader object returns. Plain data, without torch:
the grader builds it (grader/panels.py), sends it to the game as JSON, and the game draws it
(tui/digits.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Digit:
    """One image and its label, as the panel draws them."""

    pixels: list[int] | None  # 784 grey levels (0-255), row by row; None when the value is no 28x28 image
    label: int | str  # the label, or a description of what came instead of an int
    note: str = ""  # why `pixels` is None


@dataclass
class PanelItem:
    """One index: the learner's digit (or the error their code raised) and the reference digit."""

    index: int
    caption_learner: str  # how the learner's value was got: "Numbers(x, y)[3]"
    caption_reference: str
    reference: Digit
    learner: Digit | None = None
    error: str | None = None  # what the learner's code did instead of giving a digit

    @property
    def differs(self) -> bool:
        """True unless the learner's digit has the reference's pixels and label."""
        if self.error or self.learner is None:
            return True
        return self.learner.label != self.reference.label or self.learner.pixels != self.reference.pixels


@dataclass
class Panel:
    """Consecutive indices from some start, out of `total`, on the MNIST set described by `data`."""

    items: list[PanelItem]
    total: int
    data: str

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict) -> Panel:
        items = []
        for item in raw["items"]:
            learner = item.get("learner")
            items.append(PanelItem(**{**item, "reference": Digit(**item["reference"]),
                                        "learner": Digit(**learner) if learner is not None else None}))
        return cls(items, raw["total"], raw["data"])
