# Wraps the index with %, so no index is ever past the end and `for` never stops.
# must fail: test_an_index_past_the_end_raises_index_error
# must fail: test_for_list_and_in_work


class Data:
    def __init__(self, items=None):
        self.items = list(items) if items is not None else [10, 20, 30]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i % len(self.items)]
