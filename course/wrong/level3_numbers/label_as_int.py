# Turns the label tensor into a Python int: the item is no longer (x[i], y[i]).
# must fail: test_items_are_the_image_and_its_label
from torch.utils.data import Dataset


class Numbers(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], int(self.y[i])
