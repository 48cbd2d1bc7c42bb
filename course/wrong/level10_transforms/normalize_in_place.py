# Normalizes the tensor it is given in place, so the caller's image changes too.
# must fail: test_normalize_subtracts_the_mean_and_divides_by_the_std
import numpy as np
import torch


class Compose:
    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, image):
        for transform in self.transforms:
            image = transform(image)
        return image


class ToTensor:
    def __call__(self, image):
        return torch.from_numpy(np.array(image)).unsqueeze(0).float() / 255


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def __call__(self, tensor):
        return tensor.sub_(self.mean).div_(self.std)
