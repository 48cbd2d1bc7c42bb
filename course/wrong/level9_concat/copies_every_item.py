# Copies every item of every dataset into one list when it is made.
# must fail: test_nothing_is_copied_or_loaded_up_front


class Dataset:
    def __add__(self, other):
        return ConcatDataset([self, other])


class ConcatDataset(Dataset):
    def __init__(self, datasets):
        self.items = [item for dataset in datasets for item in dataset]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]
