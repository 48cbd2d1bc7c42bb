# ruff: noqa
# level: level2_data
# says: called exit()
import sys


class Data:
    def __init__(self, items=None):
        self.items = tuple(items) if items is not None else (10, 20, 30)

    def __len__(self):
        sys.exit("no length today")

    def __getitem__(self, i):
        return self.items[i]
