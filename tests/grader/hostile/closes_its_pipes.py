# ruff: noqa
# level: level2_data
# Closes every file descriptor it can find as soon as it is imported.
import os

for fd in range(3, 256):
    try:
        os.close(fd)
    except OSError:
        pass


class Data:
    def __init__(self, items=None):
        self.items = tuple(items) if items is not None else (10, 20, 30)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]
