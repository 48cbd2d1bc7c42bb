# Rewinds when the data runs out, "so the loader can be used for another epoch".
# must fail: test_it_keeps_raising_stop_iteration


class ExampleLoader:
    def __init__(self, data):
        self.data = data
        self.items = iter(data)

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self.items)
        except StopIteration:
            self.items = iter(self.data)
            raise
