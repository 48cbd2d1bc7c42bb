# __len__ returns 10 whatever the data holds.
# must fail: test_a_new_data_holds_10_20_30
# must fail: test_len_is_the_number_of_items


class Data:
    def __init__(self, items=None):
        self.items = list(items) if items is not None else [10, 20, 30]

    def __len__(self):
        return 10

    def __getitem__(self, i):
        return self.items[i]
