# Uses `items or [10, 20, 30]`, so an empty list also gets the default: Data([]) holds three items.
# must fail: test_len_is_the_number_of_items


class Data:
    def __init__(self, items=None):
        self.items = list(items or [10, 20, 30])

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]
