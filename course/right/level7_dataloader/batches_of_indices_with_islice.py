# The iterator slices an index iterator with itertools.islice, batches come out as tuples, and the
# labels go through torch.as_tensor with an explicit dtype.
import math
from itertools import islice

import torch


class _Pass:
    def __init__(self, loader):
        self._loader = loader
        if loader.shuffle:
            order = torch.randperm(len(loader.dataset), generator=loader.generator)
            self._indices = iter(order.tolist())
        else:
            self._indices = iter(range(len(loader.dataset)))

    def __iter__(self):
        return self

    def __next__(self):
        picked = list(islice(self._indices, self._loader.batch_size))
        if not picked or (self._loader.drop_last and len(picked) < self._loader.batch_size):
            raise StopIteration
        samples = [self._loader.dataset[index] for index in picked]
        images = torch.stack([image for image, _ in samples])
        labels = torch.as_tensor([label for _, label in samples], dtype=torch.int64)
        return images, labels


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=False, generator=None, drop_last=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        self.drop_last = drop_last

    def __iter__(self):
        return _Pass(self)

    def __len__(self):
        batches = len(self.dataset) / self.batch_size
        return math.floor(batches) if self.drop_last else math.ceil(batches)
