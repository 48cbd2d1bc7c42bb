# Numbers subclasses Dataset, but its __new__ returns a plain list of (x, y) pairs.
# must fail: test_the_small_example_from_the_lesson
from torch.utils.data import Dataset


class Numbers(Dataset):
    def __new__(cls, x, y):
        return list(zip(x, y))
