# Uses itertools.cycle to "never run out of batches": it never stops.
# must fail: test_next_gives_the_items_in_order_then_stops
# must fail: test_it_keeps_raising_stop_iteration
# must fail: test_it_works_on_any_iterable
import itertools


class ExampleLoader:
    def __init__(self, data):
        self.items = itertools.cycle(data)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.items)
