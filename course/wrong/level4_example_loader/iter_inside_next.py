# __next__ calls next(iter(self.data)): a new iterator each time, so a list gives its first item on every call.
# must fail: test_next_gives_the_items_in_order_then_stops
# must fail: test_it_keeps_raising_stop_iteration
# must fail: test_iter_never_rewinds
# must fail: test_it_works_on_any_iterable


class ExampleLoader:
    def __init__(self, data):
        self.data = data

    def __iter__(self):
        return self

    def __next__(self):
        return next(iter(self.data))
