"""Probes for the checks of the dataset and transform levels, built in the sandbox through
`op_make` (see `KINDS`) around the learner's classes. They only hold things together and count;
what they give back is judged in the grader against torch's and torchvision's own classes."""

from __future__ import annotations

import copy
from typing import Any


def listed(**items: Any) -> list:
    """The objects given as "0", "1", ... in a list, in that order: `ConcatDataset([train, test])`
    needs a list of objects that live in the sandbox."""
    return [items[key] for key in sorted(items, key=int)]


def dataset_part(base: type, dataset: Any, name: str) -> Any:
    """An object of a subclass of the learner's `Dataset` that serves `dataset`'s items, as a
    learner's own dataset class would, shown as `name`. It does not call the base's `__init__`, as
    torch's datasets need not."""

    class Digits(base):
        def __init__(self, inner: Any):
            self.inner = inner

        def __len__(self) -> int:
            return len(self.inner)

        def __getitem__(self, index: int) -> Any:
            return self.inner[index]

        def __repr__(self) -> str:
            return name

    return Digits(dataset)


def plus(left: Any, right: Any) -> Any:
    """`left + right`, which runs the learner's `__add__`."""
    return left + right


def with_transform(dataset: Any, transform: Any) -> Any:
    """A shallow copy of a torchvision dataset with another transform: the same images, read once."""
    other = copy.copy(dataset)
    other.transform = transform
    return other


class Step:
    """A transform for checking Compose: `x * times + add`, writing its name in `log` when it runs."""

    def __init__(self, log: list, name: str, times: int, add: int):
        self.log, self.name, self.times, self.add = log, name, times, add

    def __call__(self, x: Any) -> Any:
        self.log.append(self.name)
        return x * self.times + self.add

    def __repr__(self) -> str:
        return self.name


KINDS = {"list": listed, "dataset_part": dataset_part, "plus": plus, "step": Step}
