# Adds a __setitem__ "for convenience", so the sequence can be changed.
# must fail: test_data_is_read_only


class Data:
    def __init__(self, items=None):
        self.items = list(items) if items is not None else [10, 20, 30]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]

    def __setitem__(self, i, value):
        self.items[i] = value
