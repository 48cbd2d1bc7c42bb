# `return x[i]` where `self.x[i]` was meant: x is no name inside the method (NameError).
# must fail: test_a_new_data_holds_10_20_30
# must fail: test_indexing_gives_the_items_in_order
# must fail: test_negative_indices_count_from_the_end
# must fail: test_an_index_past_the_end_raises_index_error
# must fail: test_for_list_and_in_work


class Data:
    def __init__(self, items=None):
        self.x = list(items) if items is not None else [10, 20, 30]

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return x[i]  # noqa: F821
