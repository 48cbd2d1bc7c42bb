"""Level 3: your own Dataset.

`Numbers(x, y)` pairs inputs with labels, the way a PyTorch Dataset does: `len(ds)` is `len(x)`,
and `ds[i]` is the tuple `(x[i], y[i])`. For example, `Numbers([1, 2, 3], [0, 1, 0])[0] == (1, 0)`.
The grader hands it 4,000 real MNIST images and labels and batches it with a real DataLoader.

This class was copied from a blog post, and it has bugs. Find them.

Read the lesson in the game, or with `dunderquest lesson 3`.
Check your work with ctrl+r in the game, or `dunderquest check 3`.
"""

from torch.utils.data import Dataset


class Numbers(Dataset):
    def __init__(self, x, y):
        self.data = x
        self.labels = y

    def __len__(self):
        return 10

    def __getitem__(self, i):
        return ([i], self.labels[i])
