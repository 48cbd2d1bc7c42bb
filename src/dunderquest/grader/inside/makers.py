"""What the checks may have built in the sandbox by name: `sandbox.make(name, expr, **args)` calls
`MAKERS[name](**args)` here (or a function of the level's own `probes.py`, see server.py), and the
object stays here, reached through a handle. Each runs the grader's code, not the learner's: the
learner's classes only come in as arguments, and what the learner's code then gives back is judged
in the trusted process against torch's and torchvision's own objects.
"""

from __future__ import annotations

import copy as _copy
from typing import Any

from . import mnist
from .finale_training import Training


class CountedDataset:
    """Wraps a dataset and counts the items a DataLoader reads from it."""

    def __init__(self, dataset: Any):
        self.dataset = dataset
        self.reads = 0

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> Any:
        self.reads += 1
        return self.dataset[index]


class CountedSequence:
    """A read-only sequence of 0 .. stop-1 with a len(), that counts the items handed out."""

    def __init__(self, stop: int):
        self.stop = stop
        self.reads = 0

    def __len__(self) -> int:
        return self.stop

    def __getitem__(self, index: int) -> int:
        value = range(self.stop)[index]
        self.reads += 1
        return value

    def __iter__(self):
        for value in range(self.stop):
            self.reads += 1
            yield value


PULL_LIMIT = 100_000  # far more than a lazy reader pulls for a few next() calls


class PulledTooMuch(Exception):
    """Raised by an endless CountedIterator once PULL_LIMIT items were pulled from it: only code that
    reads everything up front gets there, and it fails at once instead of at the deadline."""


class CountedIterator:
    """An iterator over 0, 1, 2, ... (endless when `stop` is None) that counts the items pulled."""

    def __init__(self, stop: int | None):
        self.stop = stop
        self.reads = 0

    def __iter__(self):
        return self

    def __next__(self) -> int:
        if self.stop is not None and self.reads >= self.stop:
            raise StopIteration
        if self.stop is None and self.reads >= PULL_LIMIT:
            raise PulledTooMuch(f"{PULL_LIMIT:,} items")
        self.reads += 1
        return self.reads - 1


def counted_generator(stop: int | None):
    """The items of a `CountedIterator(stop)` from a generator, for code that treats generators specially."""
    yield from CountedIterator(stop)


def with_transform(dataset: Any, transform: Any) -> Any:
    """A shallow copy of a torchvision dataset with another transform: the same images, read once."""
    other = _copy.copy(dataset)
    other.transform = transform
    return other


def dataloader(dataset: Any, batch_size: int, shuffle: bool, seed: int) -> Any:
    """torch's DataLoader over `dataset` (which may be the learner's), seeded."""
    return mnist.seeded_loader(dataset, batch_size, shuffle, seed)


def mnist_loader(root: str, train: bool, batch_size: int, seed: int, counted: bool = False) -> Any:
    """A shuffled, seeded DataLoader over MNIST with ToTensor(); its reads counted on request."""
    dataset = mnist.dataset(root, train)
    return mnist.seeded_loader(CountedDataset(dataset) if counted else dataset, batch_size, True, seed)


def mnist_dataset(root: str, train: bool, indices: list[int] | None = None, counted: bool = False) -> Any:
    """MNIST with ToTensor(), or some of its items; its reads counted on request."""
    import torch

    dataset = mnist.dataset(root, train)
    if indices is not None:
        dataset = torch.utils.data.Subset(dataset, indices)
    return CountedDataset(dataset) if counted else dataset


def mnist_images(root: str, train: bool) -> Any:
    return mnist.images(root, train)


def mnist_labels(root: str, train: bool) -> Any:
    return mnist.dataset(root, train).targets.clone()


def mnist_pil(root: str, train: bool, transform: Any = None, index: int | None = None) -> Any:
    """MNIST with the given transform (None: PIL images), or the PIL image at `index`."""
    dataset = with_transform(mnist.dataset(root, train), transform)
    return dataset if index is None else dataset[index][0]


class Made:
    """Every object a `module_tree` was given (Parameters, submodules, plain values), in the order it
    was made, so that a check can tell the very objects from copies of them."""

    def __init__(self) -> None:
        self.objects: list = []

    def add(self, value: Any) -> Any:
        self.objects.append(value)
        return value

    def index_of(self, value: Any) -> int:
        return next((i for i, known in enumerate(self.objects) if known is value), -1)


def module_tree(base: type, children: list, made: Made | None = None, name: str = "Model",
                extra: str | None = None) -> Any:
    """A module of a new subclass of `base` called `name` (whose `extra_repr()` gives `extra`, when
    given), whose `__init__` calls the base's and then assigns to itself, in order, each
    `[attribute, kind, payload]` of `children`: "param" a new Parameter of the payload tensor, "module"
    a nested tree (the payload: its children, or a dict of this function's arguments), "linear"
    `torch.nn.Linear(*payload)`, "relu" `torch.nn.ReLU()`, "same" the object made earlier at the
    payload's index in `made`, and "plain" the payload itself (a tensor or a number, not a Parameter).
    `made` records every object made, the tree last. Nodes of the same name and extra share a class."""
    import torch

    made = Made() if made is None else made
    classes: dict[tuple, type] = {}

    def node(children: list, name: str = "Model", extra: str | None = None) -> Any:
        if (name, extra) not in classes:
            members = {"__init__": init, "__module__": "grader"}  # as a default repr shows it: `<grader.Net ...>`
            if extra is not None:
                members["extra_repr"] = lambda self: extra
            classes[name, extra] = type(name, (base,), members)
        return made.add(classes[name, extra](children))

    def init(self: Any, children: list) -> None:
        base.__init__(self)
        for attribute, kind, payload in children:
            setattr(self, attribute, build(kind, payload))

    def build(kind: str, payload: Any) -> Any:
        if kind == "param":
            return made.add(torch.nn.Parameter(payload.clone()))
        if kind == "module":
            return node(**payload) if isinstance(payload, dict) else node(payload)
        if kind == "same":
            return made.objects[payload]
        if kind in ("linear", "relu"):
            return made.add(torch.nn.Linear(*payload) if kind == "linear" else torch.nn.ReLU())
        return made.add(payload)

    return node(children, name, extra)


def seeded_generator(seed: int) -> Any:
    """`torch.Generator().manual_seed(seed)`, for a DataLoader to shuffle with."""
    import torch

    return torch.Generator().manual_seed(seed)


MAKERS = {
    "dataloader": dataloader,
    "mnist_loader": mnist_loader,
    "mnist_dataset": mnist_dataset,
    "mnist_images": mnist_images,
    "mnist_labels": mnist_labels,
    "mnist_pil": mnist_pil,
    "counted_sequence": CountedSequence,
    "counted_iterator": CountedIterator,
    "counted_generator": counted_generator,
    "copy": lambda value: list(value),  # a list the learner's code may change, as the caller's own
    "range": lambda start, stop: range(start, stop),
    "value": lambda value: value,  # a value kept here, to look at again after the learner's code had it
    "seeded_generator": seeded_generator,
    "made": Made,
    "module_tree": module_tree,
    "plus": lambda left, right: left + right,  # `left + right`, which runs the learner's `__add__`
    "sliced": lambda items, start, stop: items[start:stop],  # a slice object, which the wire does not carry
    "printed": lambda value: repr(value),  # `repr(value)`, which runs the learner's `__repr__`
    "finale_training": Training,
}
