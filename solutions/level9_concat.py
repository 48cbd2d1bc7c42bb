"""Level 9: adding datasets, ConcatDataset."""

import bisect


class Dataset:
    """A map-style dataset: subclasses give `__len__` and `__getitem__`."""

    def __getitem__(self, index):
        raise NotImplementedError

    def __add__(self, other):
        return ConcatDataset([self, other])


class ConcatDataset(Dataset):
    """Several datasets, one after the other, as one dataset. Nothing is copied: only the lengths
    are read up front, and each item is fetched from its own dataset when it is asked for."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        self.ends = []  # ends[k]: the index just past dataset k, counted across all of them
        total = 0
        for dataset in self.datasets:
            total += len(dataset)
            self.ends.append(total)

    def __len__(self):
        return self.ends[-1] if self.ends else 0

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"index out of range for a ConcatDataset of length {len(self)}")
        # The first dataset that ends after `index`; bisect_right also steps over empty datasets.
        which = bisect.bisect_right(self.ends, index)
        start = self.ends[which - 1] if which else 0
        return self.datasets[which][index - start]
