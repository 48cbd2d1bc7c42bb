# Indexes the data with self.data[self.i]: fine for lists and strings, not for generators or a DataLoader.
# must fail: test_it_pulls_no_item_before_it_is_asked
# must fail: test_it_works_on_an_endless_generator
# must fail: test_it_works_on_any_iterable
# must fail: test_next_iter_gives_the_dataloaders_first_batch


class ExampleLoader:
    def __init__(self, data):
        self.data = data
        self.i = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.i >= len(self.data):
            raise StopIteration
        item = self.data[self.i]
        self.i += 1
        return item
