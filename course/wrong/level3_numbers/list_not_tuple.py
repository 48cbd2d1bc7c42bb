# Returns the pair as a list [x[i], y[i]] instead of the tuple (x[i], y[i]).
# must fail: test_the_small_example_from_the_lesson
# must fail: test_items_are_the_image_and_its_label
from torch.utils.data import Dataset


class Numbers(Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return [self.x[i], self.y[i]]
