# Has __next__ but no __iter__, so iter(l) raises TypeError and a for loop cannot use it.
# must fail: test_iter_returns_the_loader_itself
# must fail: test_iter_never_rewinds
# must fail: test_next_iter_gives_the_dataloaders_first_batch


class ExampleLoader:
    def __init__(self, data):
        self.items = iter(data)

    def __next__(self):
        return next(self.items)
