# ToTensor from the image's raw bytes; Normalize with as_tensor and None indexing.
import torch


class Compose:
    def __init__(self, transforms):
        self.steps = transforms

    def __call__(self, img):
        out = img
        for step in self.steps:
            out = step(out)
        return out


class ToTensor:
    def __call__(self, img):
        raw = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8)
        return raw.view(1, img.height, img.width).to(torch.float32).div(255)


class Normalize:
    def __init__(self, mean, std):
        self.mean = torch.as_tensor(mean, dtype=torch.float32)[:, None, None]
        self.std = torch.as_tensor(std, dtype=torch.float32)[:, None, None]

    def __call__(self, tensor):
        return tensor.sub(self.mean).div(self.std)
