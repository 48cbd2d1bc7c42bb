"""Level 9: adding datasets, ConcatDataset.

Write two classes:

- `Dataset`, a base class for datasets, whose `__add__` makes `a + b` return `ConcatDataset([a, b])`.
- `ConcatDataset(datasets)`, the datasets one after the other as one dataset: its length is the sum
  of their lengths, `ds[i]` fetches the item from whichever dataset holds index i, negative indices
  count from the end, and an index past either end raises IndexError. It must not copy or load
  anything up front: keep the datasets, and fetch an item only when it is asked for.

For example, with `a` of length 3 and `b` of length 4, `len(a + b) == 7` and `(a + b)[3] == b[0]`.
The grader compares your class with `torch.utils.data.ConcatDataset` over MNIST's train and test sets.

Read the lesson in the game, or with `dunderquest lesson 9`.
Check your work with ctrl+r in the game, or `dunderquest check 9`.
"""


class Dataset:
    def __add__(self, other):
        ...


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        ...

    def __len__(self):
        ...

    def __getitem__(self, index):
        ...
