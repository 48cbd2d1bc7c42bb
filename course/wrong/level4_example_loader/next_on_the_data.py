# __next__ calls next(self.data): fine on a generator, but a list is not an iterator.
# must fail: test_next_gives_the_items_in_order_then_stops
# must fail: test_it_works_on_any_iterable
# must fail: test_next_iter_gives_the_dataloaders_first_batch


class ExampleLoader:
    def __init__(self, data):
        self.data = data

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self.data)
        return item
