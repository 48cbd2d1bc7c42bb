# Remembers its first result and hands it back on every later call.
# must fail: test_compose_applies_the_transforms_in_order
import numpy as np
import torch


class Compose:
    def __init__(self, transforms):
        self.transforms = list(transforms)
        self.result = None

    def __call__(self, image):
        if self.result is None:
            for transform in self.transforms:
                image = transform(image)
            self.result = image
        return self.result


class ToTensor:
    def __call__(self, image):
        return torch.from_numpy(np.array(image)).unsqueeze(0).float() / 255


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def __call__(self, tensor):
        return (tensor - self.mean) / self.std

