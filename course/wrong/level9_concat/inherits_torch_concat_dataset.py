# Takes torch's own ConcatDataset instead of writing one.
# must fail: test_dataset_and_concat_dataset_are_classes_you_wrote
import torch.utils.data


class Dataset:
    def __add__(self, other):
        return ConcatDataset([self, other])


class ConcatDataset(torch.utils.data.ConcatDataset, Dataset):
    pass
