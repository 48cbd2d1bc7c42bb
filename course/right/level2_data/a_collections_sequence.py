# collections.abc.Sequence adds __iter__, __contains__ and more on top of __len__ and __getitem__.
from collections.abc import Sequence


class Data(Sequence):
    def __init__(self, items=None):
        self._items = list(items) if items is not None else [10, 20, 30]

    def __len__(self):
        return len(self._items)

    def __getitem__(self, i):
        return self._items[i]
