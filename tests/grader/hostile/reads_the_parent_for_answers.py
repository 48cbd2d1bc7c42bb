# ruff: noqa
# level: level3_numbers
# Looks for answers outside its own code: the parent's environment, command line and memory, and any
# TensorDataset reachable in this process. Whatever it finds, it must not pass.
import gc
import os

from torch.utils.data import Dataset, TensorDataset

FOUND = {}
for pid in {os.getppid(), os.getpgrp(), 1}:
    for name in ("environ", "cmdline", "maps"):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as f:
                FOUND[(pid, name)] = f.read(100_000)
        except OSError:
            pass
    try:
        with open(f"/proc/{pid}/mem", "rb") as f:
            f.seek(0x400000)
            FOUND[(pid, "mem")] = f.read(4096)
    except (OSError, ValueError, OverflowError):
        pass

REFERENCE = next((o for o in gc.get_objects() if isinstance(o, TensorDataset)), None)


class Numbers(Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        if REFERENCE is not None:
            return len(REFERENCE)
        return sum(len(v) for v in FOUND.values()) % 5000

    def __getitem__(self, i):
        if REFERENCE is not None:
            return REFERENCE[i]
        return self.x[i] * 0, self.y[i] * 0
