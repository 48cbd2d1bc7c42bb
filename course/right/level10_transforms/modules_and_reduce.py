# ToTensor and Normalize as nn.Modules with forward (as torchvision's are); Compose with functools.reduce.
from functools import reduce

import torch
from torch import nn


class Compose:
    def __init__(self, transforms):
        self.transforms = tuple(transforms)

    def __call__(self, x):
        return reduce(lambda value, transform: transform(value), self.transforms, x)


class ToTensor(nn.Module):
    def forward(self, pic):
        width, height = pic.size
        data = torch.tensor(list(pic.getdata()), dtype=torch.float32)
        return (data / 255.0).reshape(1, height, width)


class Normalize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.mean = list(mean)
        self.std = list(std)

    def forward(self, tensor):
        return torch.stack([(channel - m) / s for channel, m, s in zip(tensor, self.mean, self.std)])
