# ruff: noqa
# level: level3_numbers
# says: RuntimeError
# says: line 10
# says: could not open the data
from torch.utils.data import Dataset

SETTINGS = {"path": "/no/such/folder"}
if SETTINGS["path"].startswith("/no"):
    raise RuntimeError("could not open the data")


class Numbers(Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
