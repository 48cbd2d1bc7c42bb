# Passes a negative index on to the first dataset, so [-1] is the end of train, not of test.
# must fail: test_negative_indices_count_from_the_end


class Dataset:
    def __add__(self, other):
        return ConcatDataset([self, other])


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        self.datasets = list(datasets)

    def __len__(self):
        return sum(len(dataset) for dataset in self.datasets)

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(index)
        if index < 0:
            return self.datasets[0][index]
        for dataset in self.datasets:
            if index < len(dataset):
                return dataset[index]
            index -= len(dataset)
