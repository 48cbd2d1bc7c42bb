"""Level 7's probe, run in the sandbox: some MNIST training items as a map-style dataset, for the
learner's DataLoader to batch."""

from __future__ import annotations

from typing import Any


class MnistItems:
    """Some MNIST training items as a map-style dataset: (image, int label), the image as ToTensor()
    makes it. They are cut from the images already converted, so reading one decodes nothing."""

    def __init__(self, images: Any, labels: Any, indices: list[int]) -> None:
        self.images = images[indices]
        self.labels = labels[indices].tolist()

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple:
        return self.images[index], self.labels[index]
