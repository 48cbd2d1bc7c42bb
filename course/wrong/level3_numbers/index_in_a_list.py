# `([i], self.labels[i])` gives a list holding the index, not the input x[i].
# must fail: test_the_small_example_from_the_lesson
# must fail: test_items_are_the_image_and_its_label
# must fail: test_a_dataloader_batches_it_like_tensor_dataset
from torch.utils.data import Dataset


class Numbers(Dataset):
    def __init__(self, x, y):
        self.data = x
        self.labels = y

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        return ([i], self.labels[i])
