# Dataset builds on torch's own Dataset (only __add__ is its own); ConcatDataset walks the datasets in a loop.
from torch.utils import data


class Dataset(data.Dataset):
    def __add__(self, other):
        return ConcatDataset((self, other))


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        self.parts = [(dataset, len(dataset)) for dataset in datasets]
        self.total = sum(length for _, length in self.parts)

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        position = range(self.total)[index]  # IndexError past either end, negatives counted from the end
        for dataset, length in self.parts:
            if position < length:
                return dataset[position]
            position -= length
