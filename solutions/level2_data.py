"""Level 2: length and indexing."""


class Data:
    """A read-only sequence: `len()` and `d[i]` work as they do on a tuple."""

    def __init__(self, items=None):
        # A tuple copy: later changes to the caller's list don't leak in, and nothing can be assigned.
        self.items = tuple(items) if items is not None else (10, 20, 30)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        # Indexing the tuple gives negative indices and IndexError past the end for free,
        # and that IndexError is what lets `for`, `list()` and `in` stop.
        return self.items[i]
