# Returns (y[i], x[i]): the label first, then the input.
# must fail: test_the_small_example_from_the_lesson
# must fail: test_items_are_the_image_and_its_label
# must fail: test_a_dataloader_batches_it_like_tensor_dataset
# must fail: test_a_whole_epoch_matches_tensor_dataset
from torch.utils.data import Dataset


class Numbers(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.y[i], self.x[i]
