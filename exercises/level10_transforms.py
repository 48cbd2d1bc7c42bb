"""Level 10: callable transforms, Compose.

Write three callable classes, your own versions of torchvision's transforms:

- `ToTensor()`: called with a PIL image of mode "L" (an MNIST digit: 28 x 28 grey levels, 0 to 255),
  it returns a float32 tensor of shape [1, 28, 28] with values in [0, 1] (each grey level / 255).
- `Normalize(mean, std)`: called with a tensor [channels, height, width], it returns a new tensor,
  (tensor - mean[c]) / std[c] for each channel c. It leaves its input unchanged.
- `Compose(transforms)`: called with x, it applies the transforms in order, each to the result of
  the one before, and returns the last result.

Then `Compose([ToTensor(), Normalize((0.1307,), (0.3081,))])` turns an MNIST image into the tensor
that torchvision's pipeline gives. Use torch (and numpy or PIL if you like), not torchvision.

Read the lesson in the game, or with `dunderquest lesson 10`.
Check your work with ctrl+r in the game, or `dunderquest check 10`.
"""

import torch


class Compose:
    def __init__(self, transforms):
        ...

    def __call__(self, image):
        ...


class ToTensor:
    def __call__(self, image):
        ...


class Normalize:
    def __init__(self, mean, std):
        ...

    def __call__(self, tensor):
        ...
