# Stores the items in a dict keyed by position: negative indices and the end raise KeyError.
# must fail: test_negative_indices_count_from_the_end
# must fail: test_an_index_past_the_end_raises_index_error
# must fail: test_for_list_and_in_work


class Data:
    def __init__(self, items=None):
        if items is None:
            items = [10, 20, 30]
        self.items = {i: item for i, item in enumerate(items)}

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]
