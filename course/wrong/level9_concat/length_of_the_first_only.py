# Gives the length of the first dataset, not of all of them.
# must fail: test_the_lengths_add_up
import bisect


class Dataset:
    def __add__(self, other):
        return ConcatDataset([self, other])


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        self.datasets = list(datasets)
        self.ends = []
        total = 0
        for dataset in self.datasets:
            total += len(dataset)
            self.ends.append(total)

    def __len__(self):
        return len(self.datasets[0])

    def __getitem__(self, index):
        if index < 0:
            index += self.ends[-1]
        if not 0 <= index < self.ends[-1]:
            raise IndexError(index)
        which = bisect.bisect_right(self.ends, index)
        start = self.ends[which - 1] if which else 0
        return self.datasets[which][index - start]
