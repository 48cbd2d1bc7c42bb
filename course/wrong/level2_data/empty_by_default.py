# Defaults to an empty Data, where the lesson asks for 10, 20 and 30.
# must fail: test_a_new_data_holds_10_20_30


class Data:
    def __init__(self, items=()):
        self.items = tuple(items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]
