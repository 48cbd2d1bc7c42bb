# Copies any data that has a len() into a list up front; only unsized data is read lazily.
# must fail: test_it_pulls_no_item_before_it_is_asked


class ExampleLoader:
    def __init__(self, data):
        if hasattr(data, "__len__"):
            data = list(data)
        self.items = iter(data)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.items)
