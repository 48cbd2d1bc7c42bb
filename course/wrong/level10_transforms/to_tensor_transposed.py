# Reads the pixels row by row but lays them out column by column: the digit is mirrored on its diagonal.
# must fail: test_to_tensor_makes_a_float_image_in_0_1
# must fail: test_the_mnist_pipeline_matches_torchvision
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
        width, height = image.size
        pixels = torch.tensor(list(image.getdata()), dtype=torch.float32) / 255
        return pixels.view(height, width).t().unsqueeze(0)


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def __call__(self, tensor):
        return (tensor - self.mean) / self.std

