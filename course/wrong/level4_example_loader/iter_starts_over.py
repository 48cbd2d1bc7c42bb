# __iter__ starts the data over each time it is called.
# must fail: test_iter_never_rewinds


class ExampleLoader:
    def __init__(self, data):
        self.data = data
        self.items = iter(data)

    def __iter__(self):
        self.items = iter(self.data)
        return self

    def __next__(self):
        return next(self.items)
