"""Level 9's probe, run in the sandbox around the learner's `Dataset`: datasets of a subclass of it,
which the checks add (the makers' `plus`) and judge against torch's own ConcatDataset."""

from __future__ import annotations

from typing import Any


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
