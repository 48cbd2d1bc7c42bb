# ruff: noqa
# level: level2_data
# says: has no `Data`
# says: exercises/level2_data.py
# says: Date


class Date:
    def __init__(self, items=None):
        self.items = tuple(items) if items is not None else (10, 20, 30)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]
