# Wraps both parts in torch.tensor(), so plain numbers come back as tensors.
# must fail: test_the_small_example_from_the_lesson
import torch
from torch.utils.data import Dataset


class Numbers(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return torch.as_tensor(self.x[i]), torch.as_tensor(self.y[i])
