"""Level 3: your own Dataset."""

from torch.utils.data import Dataset


class Numbers(Dataset):
    """Inputs and their labels, one pair per index: what a DataLoader asks a dataset for."""

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        # The sampler draws indices from range(len(ds)).
        return len(self.x)

    def __getitem__(self, i):
        # default_collate turns a batch of (input, label) tuples into [inputs, labels].
        return self.x[i], self.y[i]
