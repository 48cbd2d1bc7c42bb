# Hard-codes the length it saw in a tutorial.
# must fail: test_the_small_example_from_the_lesson
# must fail: test_len_is_the_length_of_x
# must fail: test_a_dataloader_batches_it_like_tensor_dataset
from torch.utils.data import Dataset


class Numbers(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return 100

    def __getitem__(self, i):
        return self.x[i], self.y[i]
