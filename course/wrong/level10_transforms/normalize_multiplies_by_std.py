# Multiplies by the standard deviation instead of dividing by it.
# must fail: test_normalize_subtracts_the_mean_and_divides_by_the_std
# must fail: test_the_mnist_pipeline_matches_torchvision
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
        return (tensor - self.mean) * self.std
