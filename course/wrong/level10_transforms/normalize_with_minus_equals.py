# Normalize with -= and /=: the caller's tensor is changed in place.
# must fail: test_normalize_subtracts_the_mean_and_divides_by_the_std
# says: `tensor -= self.mean` (line
import numpy as np
import torch


class Compose:
    """Several transforms as one: each is called on the result of the one before."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, image):
        for transform in self.transforms:
            image = transform(image)
        return image


class ToTensor:
    """A PIL image of mode L (grey levels 0-255) as a float tensor [1, height, width] in [0, 1]."""

    def __call__(self, image):
        grey = torch.from_numpy(np.array(image, dtype=np.uint8))  # [height, width]
        return grey.unsqueeze(0).float().div(255)


class Normalize:
    """(tensor - mean) / std, channel by channel, into a new tensor."""

    def __init__(self, mean, std):
        # One value per channel, shaped [channels, 1, 1] so they broadcast over each channel's pixels.
        self.mean = torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(-1, 1, 1)

    def __call__(self, tensor):
        tensor -= self.mean
        tensor /= self.std
        return tensor
