# Checks the bounds itself but raises ValueError, which `for` and `list()` do not take as the end.
# must fail: test_an_index_past_the_end_raises_index_error
# must fail: test_for_list_and_in_work


class Data:
    def __init__(self, items=None):
        self.items = list(items) if items is not None else [10, 20, 30]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        if not -len(self.items) <= i < len(self.items):
            raise ValueError(f"index {i} is out of range")
        return self.items[i]
