# __iter__ returns iter(self.data): a fresh iterator over the data, not the loader itself.
# must fail: test_iter_returns_the_loader_itself
# must fail: test_iter_never_rewinds


class ExampleLoader:
    def __init__(self, data):
        self.data = data
        self.items = iter(data)

    def __iter__(self):
        return iter(self.data)

    def __next__(self):
        return next(self.items)
