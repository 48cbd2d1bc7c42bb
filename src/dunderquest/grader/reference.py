"""The real PyTorch objects the checks compare against, built in the trusted process only."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from ..core.data import MnistSource
from .inside.mnist import as_tensors, seeded_loader


class Mnist:
    """torchvision's own `MNIST` training split, over the data in use (the embedded sample or the
    full set). Each file is read once per run."""

    def __init__(self, source: MnistSource):
        self.source = source

    def preload(self) -> Mnist:
        """Reads everything now (a runner does this before its first request)."""
        self.images()
        self.tensor_dataset()
        return self

    @property
    def root(self) -> str:
        return str(self.source.root)

    @cached_property
    def train(self) -> Any:
        """The training split as torchvision gives it: (PIL image, label) items."""
        from torchvision.datasets import MNIST

        return MNIST(self.root, train=True, download=False)

    @cached_property
    def _tensor_dataset(self) -> Any:
        from torchvision.datasets import MNIST
        from torchvision.transforms import ToTensor

        return MNIST(self.root, train=True, download=False, transform=ToTensor())

    def tensor_dataset(self) -> Any:
        """The training split with `ToTensor()`: (float image [1, 28, 28], label) items."""
        return self._tensor_dataset

    @cached_property
    def _test_dataset(self) -> Any:
        from torchvision.datasets import MNIST
        from torchvision.transforms import ToTensor

        return MNIST(self.root, train=False, download=False, transform=ToTensor())

    def test_dataset(self) -> Any:
        """The test split with `ToTensor()`, as `tensor_dataset()` is the training split."""
        return self._test_dataset

    def items(self, indices: Any = None) -> Any:
        """The training items (all, or those at `indices`) as a `TensorDataset` of `images()` and
        `labels()`: (image as ToTensor() makes it, label tensor), which a DataLoader batches exactly as it
        batches `tensor_dataset()`'s, from tensors already made."""
        from torch.utils.data import TensorDataset

        images, labels = self.images(), self.labels()
        return TensorDataset(images, labels) if indices is None else TensorDataset(images[indices], labels[indices])

    @cached_property
    def _images(self) -> Any:
        return as_tensors(self.train)

    def images(self) -> Any:
        """All images as `ToTensor()` makes them: float32 in [0, 1], shape [N, 1, 28, 28]."""
        return self._images

    def some_images(self, rng: Any, count: int) -> Any:
        """`count` training images in a row, from a place `rng` (a `random.Random`) picks, as `images()` gives them."""
        start = rng.randrange(len(self.train) - count)
        return self.images()[start:start + count]

    def labels(self) -> Any:
        return self.train.targets.clone()

    def loader(self, batch_size: int, seed: int) -> Any:
        """A shuffled DataLoader over `tensor_dataset()`, seeded."""
        return seeded_loader(self.tensor_dataset(), batch_size, True, seed)
