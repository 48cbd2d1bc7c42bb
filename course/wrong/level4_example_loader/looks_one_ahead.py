# Pulls the first item in __init__ to know early whether the data is empty.
# must fail: test_it_pulls_no_item_before_it_is_asked
_END = object()


class ExampleLoader:
    def __init__(self, data):
        self.items = iter(data)
        self.upcoming = next(self.items, _END)

    def __iter__(self):
        return self

    def __next__(self):
        if self.upcoming is _END:
            raise StopIteration
        item = self.upcoming
        self.upcoming = next(self.items, _END)
        return item
