# Walks the datasets in a loop and, past the last one, falls off the end: it returns None.
# must fail: test_an_index_past_either_end_raises_index_error


class Dataset:
    def __add__(self, other):
        return ConcatDataset([self, other])


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        self.datasets = list(datasets)

    def __len__(self):
        return sum(len(dataset) for dataset in self.datasets)

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
            if index < 0:
                raise IndexError("index out of range")
        for dataset in self.datasets:
            if index < len(dataset):
                return dataset[index]
            index -= len(dataset)
