# ruff: noqa
# level: level3_numbers
# must fail: test_numbers_is_a_dataset
# must fail: test_items_are_the_image_and_its_label
# says: imports dunderquest (line 10)
# says: which a solution may not use
# Hands every dunder to the reference solution that ships inside the installed package.
from torch.utils.data import Dataset

from dunderquest.solutions.level3_numbers import Numbers as Reference


class Numbers(Dataset):
    def __init__(self, x, y):
        self.reference = Reference(x, y)

    def __len__(self):
        return len(self.reference)

    def __getitem__(self, i):
        return self.reference[i]
