# Works with a DataLoader, but does not subclass torch.utils.data.Dataset as the level asks.
# must fail: test_numbers_is_a_dataset


class Numbers:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
