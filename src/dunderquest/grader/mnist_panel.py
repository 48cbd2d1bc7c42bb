"""What the game's MNIST panel draws: digits that the learner's class returned, beside the ones the
real torchvision / DataLoader objects return for the same index. Runs in the grader's process, with
the learner's code in a sandbox, like the checks.

A level names its kind of panel in its level.toml (`panel = "dataset"`). Each kind is a function
registered here with `@panel("name")`: it gets the sandbox, the reference MNIST, the level and the
first index, and returns the window of digits as a `Panel` (core/mnist_panel.py). To add a kind,
write one such function."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.catalog import Level
from ..core.data import MnistSource
from ..core.mnist_panel import Digit, Panel, PanelItem
from .expect import describe, is_tensor
from .reference import Mnist

if TYPE_CHECKING:
    from .service.processes import SandboxSource
from .messages import SandboxProblem
from .proxy import SandboxProxy

WINDOW = 16  # digits per preview, so stepping through them needs no new run
PANEL_SEED = 2020  # the panel's DataLoader shuffles the same way every time, so it can be stepped

Draw = Callable[[SandboxProxy, Mnist, Level, int], Panel]
PANELS: dict[str, Draw] = {}  # what `panel = "..."` in a level.toml may name


def panel(name: str) -> Callable[[Draw], Draw]:
    """Registers a kind of panel under the name a level.toml gives it."""

    def register(function: Draw) -> Draw:
        PANELS[name] = function
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


def mnist_panel(level: Level, learner_file: Path, start: int, *, source: MnistSource,
                sandboxes: SandboxSource) -> dict:
    """Up to WINDOW digits from `start`, as JSON for the game (`Panel.to_json()`). A problem in the
    learner's code becomes an item's `error`; it never raises."""
    if level.panel not in PANELS:  # a level without a panel
        return Panel([], 0, source.description).to_json()
    mnist = Mnist(source)
    sandbox = SandboxProxy(learner_file, level.exercise_path, sandboxes=sandboxes, module_name=level.folder.name,
                           probes=level.probes_path)
    try:
        return PANELS[level.panel](sandbox, mnist, level, start).to_json()
    finally:
        sandbox.close()


@panel("dataset")
def dataset_items(sandbox: SandboxProxy, mnist: Mnist, level: Level, start: int) -> Panel:
    """`Class(x, y)[i]`, made from MNIST's images and labels, beside the MNIST dataset's item i."""
    name = level.class_name
    total = len(mnist.train)
    start = max(0, min(start, total - 1))
    reference = mnist.tensor_dataset()
    items = []
    try:
        learner_x = sandbox.make("mnist_images", "x", root=mnist.root, train=True)
        learner_y = sandbox.make("mnist_labels", "y", root=mnist.root, train=True)
        dataset = sandbox.new(sandbox.learner_class(name), learner_x, learner_y)
    except SandboxProblem as problem:
        dataset, error = None, str(problem)
    for index in range(start, min(start + WINDOW, total)):
        image, label = reference[index]
        item = PanelItem(index, f"{name}(x, y)[{index}]", f"MNIST(...)[{index}]", digit(image, label))
        if dataset is None:
            item.error = error
        else:
            item.learner, item.error = learner_item(dataset, index, f"{name}(x, y)[{index}]")
        items.append(item)
    return Panel(items, total, mnist.source.description)


@panel("first_batch")
def first_batch(sandbox: SandboxProxy, mnist: Mnist, level: Level, start: int) -> Panel:
    """The first batch of `Class(loader)`, wrapping a seeded MNIST DataLoader, beside that DataLoader's."""
    name = level.class_name
    images, labels = next(iter(mnist.loader(32, PANEL_SEED)))
    total = len(images)
    start = max(0, min(start, total - 1))
    got, error = None, None
    try:
        loader = sandbox.make("mnist_loader", "loader", timeout=120, root=mnist.root, train=True,
                              batch_size=32, seed=PANEL_SEED)
        wrapped = sandbox.new(sandbox.learner_class(name), loader)
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
        item = PanelItem(index, f"your first batch, item {index}", f"DataLoader's first batch, item {index}",
                           digit(images[index], labels[index]), error=error)
        if got is not None:
            if index < len(got[0]) and index < len(got[1]):
                item.learner = digit(got[0][index], got[1][index])
            else:
                item.error = f"your first batch has only {len(got[0])} items"
        items.append(item)
    return Panel(items, total, mnist.source.description)


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


@panel("shuffled_batches")
def shuffled_batches(sandbox: SandboxProxy, mnist: Mnist, level: Level, start: int) -> Panel:
    """The first batches of `Class(dataset, batch_size=32, shuffle=True, generator=g)` over MNIST, beside
    torch's DataLoader with `sampler=RandomSampler(dataset, generator=g)`, g seeded the same."""
    import torch
    from torch.utils.data import DataLoader, RandomSampler

    name, batch_size = level.class_name, 32
    total = 4 * batch_size  # the first four batches of a pass
    start = max(0, min(start, total - 1))
    needed = (min(start + WINDOW, total) - 1) // batch_size + 1
    dataset = mnist.tensor_dataset()
    sampler = RandomSampler(dataset, generator=torch.Generator().manual_seed(PANEL_SEED))
    expected = [batch for batch, _ in zip(DataLoader(dataset, batch_size=batch_size, sampler=sampler),
                                          range(needed), strict=False)]
    expr = f"{name}(dataset, batch_size={batch_size}, shuffle=True, generator=g)"
    got, error = [], None
    try:
        learner_dataset = sandbox.make("mnist_dataset", "dataset", root=mnist.root, train=True)
        generator = sandbox.make("seeded_generator", "g", seed=PANEL_SEED)
        loader = sandbox.call(sandbox.learner_class(name), learner_dataset, expr=expr,
                              kwargs={"batch_size": batch_size, "shuffle": True, "generator": generator})
        got, _ = sandbox.take(loader, needed, expr=f"the first batches of {expr}")
    except SandboxProblem as problem:
        error = str(problem)
    items = []
    for index in range(start, min(start + WINDOW, total)):
        number, row = divmod(index, batch_size)
        images, labels = expected[number]
        item = PanelItem(index, f"your batch {number}, item {row}", f"DataLoader's batch {number}, item {row}",
                           digit(images[row], labels[row]), error=error)
        if error is None:
            if number >= len(got):
                item.error = f"your DataLoader gave only {len(got)} batches"
            else:
                item.learner, item.error = batch_item(got[number], row)
                if item.error:
                    item.error = f"your batch {number} is {item.error}"
        items.append(item)
    return Panel(items, total, mnist.source.description)


@panel("concat")
def concat_items(sandbox: SandboxProxy, mnist: Mnist, level: Level, start: int) -> Panel:
    """`Class([a, b])[i]`, where a is MNIST's first few training digits and b the test set, beside the
    item of a or b that torch's ConcatDataset gives: the boundary between them is in the first window."""
    from torch.utils.data import ConcatDataset, Subset
    from torchvision.datasets import MNIST
    from torchvision.transforms import ToTensor

    name, edge = level.class_name, 7
    test = MNIST(mnist.root, train=False, download=False, transform=ToTensor())
    reference = ConcatDataset([Subset(mnist.tensor_dataset(), range(edge)), test])
    total = len(reference)
    start = max(0, min(start, total - 1))
    dataset, error = None, None
    try:
        a = sandbox.make("mnist_dataset", "a", root=mnist.root, train=True, indices=list(range(edge)))
        b = sandbox.make("mnist_dataset", "b", root=mnist.root, train=False)
        dataset = sandbox.new(sandbox.learner_class(name), [a, b])
    except SandboxProblem as problem:
        error = str(problem)
    items = []
    for index in range(start, min(start + WINDOW, total)):
        image, label = reference[index]
        source = f"a[{index}]" if index < edge else f"b[{index - edge}]"
        item = PanelItem(index, f"{name}([a, b])[{index}]", f"torch's ConcatDataset: {source}",
                           digit(image, label), error=error)
        if dataset is not None:
            item.learner, item.error = learner_item(dataset, index, f"{name}([a, b])[{index}]")
        items.append(item)
    return Panel(items, total, f"{mnist.source.description}; a: the first {edge} training digits, b: the test set")


@panel("transformed")
def transformed_items(sandbox: SandboxProxy, mnist: Mnist, level: Level, start: int) -> Panel:
    """MNIST's training digit i through the file's `Class([ToTensor(), Normalize((0.1307,), (0.3081,))])`,
    beside torchvision's pipeline. Both are drawn as `x * 0.3081 + 0.1307`, undoing the normalization,
    so a digit that ToTensor did not scale to [0, 1] shows up as a blot."""
    from torchvision import transforms

    name, mean, std = level.class_name, (0.1307,), (0.3081,)
    reference = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])
    total = len(mnist.train)
    start = max(0, min(start, total - 1))

    def shown(tensor: Any) -> Any:
        return tensor * std[0] + mean[0] if is_tensor(tensor) and tensor.dtype.is_floating_point else tensor

    dataset, error = None, None
    try:
        # The pipeline of this level's file: its Compose holding its own ToTensor and Normalize.
        parts = [sandbox.new(sandbox.learner_class("ToTensor")),
                 sandbox.new(sandbox.learner_class("Normalize"), mean, std)]
        pipeline = sandbox.new(sandbox.learner_class(name), parts)
        dataset = sandbox.make("mnist_pil", "MNIST(..., transform=transform)", root=mnist.root, train=True,
                               transform=pipeline)
    except SandboxProblem as problem:
        error = str(problem)
    items = []
    for index in range(start, min(start + WINDOW, total)):
        image, label = mnist.train[index]
        item = PanelItem(index, f"your transform, image {index}", f"torchvision's transform, image {index}",
                           digit(shown(reference(image)), label), error=error)
        if dataset is not None:
            item.learner, item.error = learner_item(dataset, index, f"MNIST(..., transform=your transform)[{index}]",
                                                    shown)
        items.append(item)
    return Panel(items, total, mnist.source.description)
