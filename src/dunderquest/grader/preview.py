"""What the game's MNIST panel draws: digits that the learner's class returned, beside the ones the
real torchvision / DataLoader objects return for the same index. Runs in the grader's process, with
the learner's code in a sandbox, like the checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.catalog import Level
from ..core.data import MnistSource
from .expect import describe, is_tensor
from .reference import Mnist
from .sandbox import Sandbox, SandboxProblem

WINDOW = 16  # digits per preview, so stepping through them needs no new run
PREVIEW_SEED = 2020  # the panel's DataLoader shuffles the same way every time, so it can be stepped


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


def digit(image: Any, label: Any) -> dict:
    data, note = pixels(image)
    return {"pixels": data, "label": label_of(label), "note": note}


def preview(level: Level, learner_file: Path, start: int, *, source: MnistSource,
            spawn: Any) -> dict:
    """Up to WINDOW digits from `start`: {"items": [{"index", "caption_learner", "caption_reference",
    "learner", "reference", "error"}], "total", "data"}. A problem in the learner's code becomes the
    item's `error`; it never raises."""
    mnist = Mnist(source)
    sandbox = Sandbox(learner_file, level.exercise_path, start=spawn, module_name=level.folder.name)
    try:
        if level.slug == "numbers":
            return _numbers(sandbox, mnist, start)
        if level.slug == "example_loader":
            return _example_loader(sandbox, mnist, start)
        return {"items": [], "total": 0, "data": source.description}
    finally:
        sandbox.close()


def _numbers(sandbox: Sandbox, mnist: Mnist, start: int) -> dict:
    total = len(mnist.train)
    start = max(0, min(start, total - 1))
    reference = mnist.tensor_dataset()
    items = []
    try:
        learner_x = sandbox.make("mnist_images", "x", root=mnist.root, train=True)
        learner_y = sandbox.make("mnist_labels", "y", root=mnist.root, train=True)
        dataset = sandbox.new(sandbox.learner_class("Numbers"), learner_x, learner_y, expr="Numbers(x, y)")
    except SandboxProblem as problem:
        dataset, error = None, str(problem)
    for index in range(start, min(start + WINDOW, total)):
        image, label = reference[index]
        item = {"index": index, "caption_learner": f"Numbers(x, y)[{index}]",
                "caption_reference": f"MNIST(...)[{index}]", "reference": digit(image, label),
                "learner": None, "error": None}
        if dataset is None:
            item["error"] = error
        else:
            try:
                got = dataset[index]
                if isinstance(got, tuple | list) and len(got) == 2:
                    item["learner"] = digit(got[0], got[1])
                else:
                    item["error"] = f"Numbers(x, y)[{index}] returned {describe(got)}, not (image, label)."
            except SandboxProblem as problem:
                item["error"] = str(problem)
        items.append(item)
    return {"items": items, "total": total, "data": mnist.source.description}


def _example_loader(sandbox: Sandbox, mnist: Mnist, start: int) -> dict:
    images, labels = next(iter(mnist.loader(32, PREVIEW_SEED)))
    total = len(images)
    start = max(0, min(start, total - 1))
    got, error = None, None
    try:
        loader = sandbox.make("mnist_loader", "loader", timeout=120, root=mnist.root, train=True,
                              batch_size=32, seed=PREVIEW_SEED)
        wrapped = sandbox.new(sandbox.learner_class("ExampleLoader"), loader, expr="ExampleLoader(loader)")
        got = sandbox.next(iter(wrapped), expr="next(iter(ExampleLoader(loader)))")
        if not (isinstance(got, list | tuple) and len(got) == 2 and is_tensor(got[0])):
            error = f"next(iter(ExampleLoader(loader))) returned {describe(got)}, not [images, labels]."
            got = None
    except StopIteration:
        error = "next(iter(ExampleLoader(loader))) raised StopIteration at once."
    except SandboxProblem as problem:
        error = str(problem)
    items = []
    for index in range(start, min(start + WINDOW, total)):
        item = {"index": index, "caption_learner": f"your first batch, item {index}",
                "caption_reference": f"DataLoader's first batch, item {index}",
                "reference": digit(images[index], labels[index]), "learner": None, "error": error}
        if got is not None:
            if index < len(got[0]) and index < len(got[1]):
                item["learner"] = digit(got[0][index], got[1][index])
            else:
                item["error"] = f"your first batch has only {len(got[0])} items"
        items.append(item)
    return {"items": items, "total": total, "data": mnist.source.description}
