"""The sequential level's probes: the layers a Sequential is made of, built the same way on both
sides of the trust boundary (in the sandbox for the learner's Sequential, in the grader for
torch.nn.Sequential), so that each side's model computes the very same numbers."""

from __future__ import annotations

from typing import Any


def layers(seed: int) -> list:
    """Flatten, Linear(784, 32), ReLU, Linear(32, 10), their weights drawn from `seed`."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    hidden, out = torch.nn.Linear(784, 32), torch.nn.Linear(32, 10)
    with torch.no_grad():
        for linear in (hidden, out):
            linear.weight.copy_(torch.randn(linear.weight.shape, generator=generator) * 0.05)
            linear.bias.copy_(torch.randn(linear.bias.shape, generator=generator) * 0.05)
    return [torch.nn.Flatten(), hidden, torch.nn.ReLU(), out]


def built(cls: Any, modules: list) -> Any:
    """`cls(*modules)`: the container, made of these very modules."""
    return cls(*modules)


def blur_layers() -> list:
    """MaxPool2d(2) then Upsample(scale_factor=2): an image in, the same size out, each 2x2 block the
    brightest of its four pixels (what the MNIST panel draws through the learner's Sequential)."""
    import torch

    return [torch.nn.MaxPool2d(2), torch.nn.Upsample(scale_factor=2)]
