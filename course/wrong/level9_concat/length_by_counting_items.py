# Learns each dataset's length by walking through it, which reads every item.
# must fail: test_nothing_is_copied_or_loaded_up_front


class Dataset:
    def __add__(self, other):
        return ConcatDataset([self, other])


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        self.datasets = list(datasets)
        self.lengths = [sum(1 for _ in dataset) for dataset in self.datasets]

    def __len__(self):
        return sum(self.lengths)

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        for dataset, length in zip(self.datasets, self.lengths):
            if index < length:
                return dataset[index]
            index -= length
