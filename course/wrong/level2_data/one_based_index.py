# Counts from 1, like a person would: d[1] is the first item.
# must fail: test_a_new_data_holds_10_20_30
# must fail: test_indexing_gives_the_items_in_order
# must fail: test_negative_indices_count_from_the_end
# must fail: test_an_index_past_the_end_raises_index_error


class Data:
    def __init__(self, items=None):
        self.items = list(items) if items is not None else [10, 20, 30]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i - 1]
