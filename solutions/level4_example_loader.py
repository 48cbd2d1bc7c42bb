"""Level 4: iterators, the DataLoader way."""


class ExampleLoader:
    """A lazy iterator over any iterable: one item per `next()`, then StopIteration for good."""

    def __init__(self, data):
        # iter() asks `data` for an iterator but pulls no item yet, so this works on endless data.
        self.items = iter(data)

    def __iter__(self):
        # An iterator is its own iterable: iter(l) is l, and it never starts over.
        return self

    def __next__(self):
        # The items' own iterator raises StopIteration at the end, and again on every later call.
        return next(self.items)
