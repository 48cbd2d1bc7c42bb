# Returns the last index, len(x) - 1, as the length: one item is never seen.
# must fail: test_the_small_example_from_the_lesson
# must fail: test_len_is_the_length_of_x
# must fail: test_a_dataloader_batches_it_like_tensor_dataset
# must fail: test_a_whole_epoch_matches_tensor_dataset
from torch.utils.data import Dataset


class Numbers(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x) - 1

    def __getitem__(self, i):
        return self.x[i], self.y[i]
