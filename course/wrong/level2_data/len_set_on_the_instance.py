# __len__ set on the instance in __init__: len() looks on the class, and finds none.
# must fail: test_a_new_data_holds_10_20_30
# must fail: test_len_is_the_number_of_items
# says: Python looks dunder methods up on the class
class Data:
    """A read-only sequence: `len()` and `d[i]` work as they do on a tuple."""

    def __init__(self, items=None):
        # A tuple copy: later changes to the caller's list don't leak in, and nothing can be assigned.
        self.items = tuple(items) if items is not None else (10, 20, 30)
        self.__len__ = lambda: len(self.items)  # Python looks __len__ up on the class, not here

    def __getitem__(self, i):
        # Indexing the tuple gives negative indices and IndexError past the end for free,
        # and that IndexError is what lets `for`, `list()` and `in` stop.
        return self.items[i]
