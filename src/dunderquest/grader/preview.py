"""What the game's MNIST panel draws: digits that the learner's class returned, beside the ones the
real torchvision / DataLoader objects return for the same index. Runs in the grader's process, with
the learner's code in a sandbox, like the checks.

A level names its kind of panel in its level.toml (`preview = "dataset"`). Each kind is a function
registered here with `@kind("name")`: it gets the sandbox, the reference MNIST, the level and the
first index, and returns the window of digits as a `Preview` (core/preview.py). To add a kind, write
one such function."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.catalog import Level
from ..core.data import MnistSource
from ..core.preview import Digit, Preview, PreviewItem
from .expect import describe, is_tensor
from .reference import Mnist
from .sandbox import Sandbox, SandboxProblem

WINDOW = 16  # digits per preview, so stepping through them needs no new run
PREVIEW_SEED = 2020  # the panel's DataLoader shuffles the same way every time, so it can be stepped

Kind = Callable[[Sandbox, Mnist, Level, int], Preview]
KINDS: dict[str, Kind] = {}  # what `preview = "..."` in a level.toml may name


def kind(name: str) -> Callable[[Kind], Kind]:
    """Registers a kind of panel under the name a level.toml gives it."""

    def register(function: Kind) -> Kind:
        KINDS[name] = function
        return function

    return register


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
    data, note = pixels(image)
    return Digit(data, label_of(label), note)


def preview(level: Level, learner_file: Path, start: int, *, source: MnistSource,
            spawn: Any) -> dict:
    """Up to WINDOW digits from `start`, as JSON for the game (`Preview.to_json()`). A problem in the
    learner's code becomes an item's `error`; it never raises."""
    if level.preview not in KINDS:  # a level without a panel
        return Preview([], 0, source.description).to_json()
    mnist = Mnist(source)
    sandbox = Sandbox(learner_file, level.exercise_path, start=spawn, module_name=level.folder.name)
    try:
        return KINDS[level.preview](sandbox, mnist, level, start).to_json()
    finally:
        sandbox.close()


@kind("dataset")
def dataset_items(sandbox: Sandbox, mnist: Mnist, level: Level, start: int) -> Preview:
    """`Class(x, y)[i]`, made from MNIST's images and labels, beside the MNIST dataset's item i."""
    name = level.class_name
    total = len(mnist.train)
    start = max(0, min(start, total - 1))
    reference = mnist.tensor_dataset()
    items = []
    try:
        learner_x = sandbox.make("mnist_images", "x", root=mnist.root, train=True)
        learner_y = sandbox.make("mnist_labels", "y", root=mnist.root, train=True)
        dataset = sandbox.new(sandbox.learner_class(name), learner_x, learner_y, expr=f"{name}(x, y)")
    except SandboxProblem as problem:
        dataset, error = None, str(problem)
    for index in range(start, min(start + WINDOW, total)):
        image, label = reference[index]
        item = PreviewItem(index, f"{name}(x, y)[{index}]", f"MNIST(...)[{index}]", digit(image, label))
        if dataset is None:
            item.error = error
        else:
            try:
                got = dataset[index]
                if isinstance(got, tuple | list) and len(got) == 2:
                    item.learner = digit(got[0], got[1])
                else:
                    item.error = f"{name}(x, y)[{index}] returned {describe(got)}, not (image, label)."
            except SandboxProblem as problem:
                item.error = str(problem)
        items.append(item)
    return Preview(items, total, mnist.source.description)


@kind("first_batch")
def first_batch(sandbox: Sandbox, mnist: Mnist, level: Level, start: int) -> Preview:
    """The first batch of `Class(loader)`, wrapping a seeded MNIST DataLoader, beside that DataLoader's."""
    name = level.class_name
    images, labels = next(iter(mnist.loader(32, PREVIEW_SEED)))
    total = len(images)
    start = max(0, min(start, total - 1))
    got, error = None, None
    try:
        loader = sandbox.make("mnist_loader", "loader", timeout=120, root=mnist.root, train=True,
                              batch_size=32, seed=PREVIEW_SEED)
        wrapped = sandbox.new(sandbox.learner_class(name), loader, expr=f"{name}(loader)")
        got = sandbox.next(iter(wrapped), expr=f"next(iter({name}(loader)))")
        if not (isinstance(got, list | tuple) and len(got) == 2 and is_tensor(got[0])):
            error = f"next(iter({name}(loader))) returned {describe(got)}, not [images, labels]."
            got = None
    except StopIteration:
        error = f"next(iter({name}(loader))) raised StopIteration at once."
    except SandboxProblem as problem:
        error = str(problem)
    items = []
    for index in range(start, min(start + WINDOW, total)):
        item = PreviewItem(index, f"your first batch, item {index}", f"DataLoader's first batch, item {index}",
                           digit(images[index], labels[index]), error=error)
        if got is not None:
            if index < len(got[0]) and index < len(got[1]):
                item.learner = digit(got[0][index], got[1][index])
            else:
                item.error = f"your first batch has only {len(got[0])} items"
        items.append(item)
    return Preview(items, total, mnist.source.description)
