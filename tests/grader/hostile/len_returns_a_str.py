# ruff: noqa
# level: level2_data
# says: TypeError
# says: 'str' object cannot be interpreted as an integer


class Data:
    def __init__(self, items=None):
        self.items = tuple(items) if items is not None else (10, 20, 30)

    def __len__(self):
        return str(len(self.items))

    def __getitem__(self, i):
        return self.items[i]
