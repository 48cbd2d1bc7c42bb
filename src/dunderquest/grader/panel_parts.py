"""What a level's panel.py draws its MNIST panel with (re-exported by checking.py): digits made of
the learner's values and of the reference's, side by side, for a window of indices.

A level's `panel.py` has one function, `draw(sandbox, mnist, level, start) -> Panel`: it builds the
learner's object in the sandbox (as a check does), and returns up to WINDOW items from `start`, each
a `PanelItem` with the reference's digit, and the learner's digit or what their code did instead.
It runs in the grader's trusted process, like the checks; it never raises for the learner's code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.panel_data import Digit, Panel, PanelItem
from .expect import describe, is_tensor
from .messages import SandboxProblem

WINDOW = 16  # digits per panel, so stepping through them needs no new run
PANEL_SEED = 2020  # a panel's DataLoader shuffles the same way every time, so it can be stepped

__all__ = ["PANEL_SEED", "WINDOW", "Digit", "Panel", "PanelItem", "batch_item", "digit", "indices", "learner_item",
           "pixels"]


def pixels(value: Any) -> tuple[list[int] | None, str]:
    """784 grey levels (0-255) if `value` is one 28x28 image, else None and why not."""
    if not is_tensor(value):
        return None, f"not an image: {describe(value)}"
    image = value.detach()
    if list(image.shape) == [1, 28, 28]:
        image = image[0]
    if list(image.shape) != [28, 28]:
        return None, f"not a 28x28 image: tensor of shape {list(image.shape)}"
    if image.dtype.is_floating_point:
        image = (image.clamp(0, 1) * 255).round()
    return [int(v) for v in image.reshape(-1).tolist()], ""


def label_of(value: Any) -> int | str:
    if is_tensor(value) and value.numel() == 1:
        return int(value.item())
    if isinstance(value, int):
        return value
    return describe(value)


def digit(image: Any, label: Any) -> Digit:
    """An image and its label as the panel draws them (an image that is not 28x28 is described)."""
    data, note = pixels(image)
    return Digit(data, label_of(label), note)


def indices(start: int, total: int) -> range:
    """The window of indices from `start` (kept within `total`)."""
    start = max(0, min(start, total - 1))
    return range(start, min(start + WINDOW, total))


def learner_item(dataset: Any, index: int, expr: str, shown: Callable[[Any], Any] = lambda image: image,
                 ) -> tuple[Digit | None, str | None]:
    """`dataset[index]`, run in the sandbox, as a digit (its image passed through `shown`), or why
    there is none."""
    try:
        got = dataset[index]
    except SandboxProblem as problem:
        return None, str(problem)
    if isinstance(got, tuple | list) and len(got) == 2:
        return digit(shown(got[0]), got[1]), None
    return None, f"{expr} returned {describe(got)}, not (image, label)."


def batch_item(batch: Any, row: int) -> tuple[Digit | None, str | None]:
    """Item `row` of a batch `[images, labels]` as a digit, or why there is none."""
    wrong = f"{describe(batch)}, not [images, labels] with an item {row}"
    if not isinstance(batch, list | tuple) or len(batch) != 2 or not is_tensor(batch[0]):
        return None, wrong
    images, labels = batch
    sized = is_tensor(labels) and labels.dim() > 0 or isinstance(labels, list | tuple)
    if images.dim() == 0 or not sized or row >= min(len(images), len(labels)):
        return None, wrong
    return digit(images[row], labels[row]), None
