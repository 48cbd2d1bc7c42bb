# Treats a negative index as an error, where a list counts from the end.
# must fail: test_negative_indices_count_from_the_end


class Data:
    def __init__(self, items=None):
        self.items = list(items) if items is not None else [10, 20, 30]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        if i < 0:
            raise IndexError("Data does not support negative indices")
        return self.items[i]
