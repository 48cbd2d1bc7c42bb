# Off by one: pairs x[i + 1] with y[i + 1], wrapping at the end to stay in range.
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
        j = (i + 1) % len(self.x)
        return self.x[j], self.y[j]
