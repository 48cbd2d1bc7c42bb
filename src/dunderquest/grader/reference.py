"""The real PyTorch objects the checks compare against, built in the trusted process only."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from ..core.data import MnistSource


class Mnist:
    """torchvision's own `MNIST` over the data in use (the embedded sample or the full set)."""

    def __init__(self, source: MnistSource):
        self.source = source
        self._images: dict[bool, Any] = {}

    def preload(self) -> Mnist:
        """Reads the training split now (a spare runner does this while it waits for work)."""
        self.images()
        self.labels()
        return self

    @property
    def root(self) -> str:
        return str(self.source.root)

    def dataset(self, train: bool = True, transform: Any = None) -> Any:
        from torchvision.datasets import MNIST

        return MNIST(self.root, train=train, download=False, transform=transform)

    def tensor_dataset(self, train: bool = True) -> Any:
        from torchvision.transforms import ToTensor

        return self.dataset(train, ToTensor())

    @cached_property
    def train(self) -> Any:
        return self.dataset(True)

    @cached_property
    def test(self) -> Any:
        return self.dataset(False)

    def images(self, train: bool = True) -> Any:
        """All images as `ToTensor()` makes them: float32 in [0, 1], shape [N, 1, 28, 28]."""
        if train not in self._images:
            raw = (self.train if train else self.test).data
            self._images[train] = raw.unsqueeze(1).float().div(255)
        return self._images[train]

    def labels(self, train: bool = True) -> Any:
        return (self.train if train else self.test).targets.clone()

    def loader(self, train: bool, batch_size: int, seed: int) -> Any:
        import torch
        from torch.utils.data import DataLoader

        generator = torch.Generator().manual_seed(seed)
        return DataLoader(self.tensor_dataset(train), batch_size=batch_size, shuffle=True,
                          generator=generator)
