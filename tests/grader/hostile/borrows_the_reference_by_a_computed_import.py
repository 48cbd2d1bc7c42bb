# ruff: noqa
# level: level3_numbers
# must fail: test_numbers_is_a_dataset
# says: cannot import the grader's own package
# Imports the reference by a name the file's text does not show.
import importlib

from torch.utils.data import Dataset

Reference = importlib.import_module("".join(["dunder", "quest.", "course.", "solu", "tions.level3_numbers"])).Numbers


class Numbers(Dataset):
    def __init__(self, x, y):
        self.reference = Reference(x, y)

    def __len__(self):
        return len(self.reference)

    def __getitem__(self, i):
        return self.reference[i]
