"""MNIST as the checks and the learner's code see it, and a seeded DataLoader over a dataset.

The sandbox reads MNIST here once per process (the zygote does it before it forks, so every sandbox
starts with it read: MNIST is the learner's input, never an answer). The trusted side builds its
reference objects with the same functions (grader/reference.py), so both sides mean the same thing
by "an MNIST image as ToTensor() makes it" and "a shuffled DataLoader with seed s".
"""

from __future__ import annotations

from typing import Any

_DATASETS: dict[tuple[str, bool], Any] = {}  # (root, train) -> torchvision MNIST, ToTensor
_IMAGES: dict[tuple[str, bool], Any] = {}  # (root, train) -> all its images, as ToTensor() makes them


def as_tensors(mnist: Any) -> Any:
    """Every image of a torchvision MNIST split as one float tensor [N, 1, 28, 28], in [0, 1]: what
    `ToTensor()` makes of each image, for all of them at once."""
    return mnist.data.unsqueeze(1).float().div(255)


def seeded_loader(dataset: Any, batch_size: int, shuffle: bool, seed: int) -> Any:
    """torch's DataLoader over `dataset`, shuffling (if asked) with its own generator seeded `seed`."""
    import torch
    from torch.utils.data import DataLoader

    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle,
                      generator=torch.Generator().manual_seed(seed))


def dataset(root: str, train: bool) -> Any:
    """torchvision's MNIST with ToTensor(), read from the files once per process."""
    if (root, train) not in _DATASETS:
        from torchvision.datasets import MNIST
        from torchvision.transforms import ToTensor

        _DATASETS[root, train] = MNIST(root, train=train, download=False, transform=ToTensor())
    return _DATASETS[root, train]


def images(root: str, train: bool) -> Any:
    """Every image of a split as one float tensor [N, 1, 28, 28] (see `as_tensors`), made once."""
    if (root, train) not in _IMAGES:
        _IMAGES[root, train] = as_tensors(dataset(root, train))
    return _IMAGES[root, train]


def preload(root: str) -> None:
    """Reads MNIST and takes the first steps that cost a few milliseconds only the first time in a
    process: an item through PIL and ToTensor(), seeding, stacking a batch. A missing or broken
    MNIST is left for the checks to report."""
    import torch

    try:
        train_images = images(root, True)
        dataset(root, True)[0]
        dataset(root, False)
    except Exception:
        return
    torch.manual_seed(0)
    torch.stack([train_images[0], train_images[1]])
    torch.tensor([0, 1])
