# The iterator inherits __iter__ from a small base class written in the file, counts batches
# rather than items, and fills preallocated tensors with a loop.
import torch
from torch.utils.data import Dataset  # noqa: F401  (the loader works on any map-style dataset)


class BaseIterator:
    def __iter__(self):
        return self


class BatchIterator(BaseIterator):
    def __init__(self, loader):
        self.loader = loader
        count = len(loader.dataset)
        self.order = torch.randperm(count, generator=loader.generator) if loader.shuffle else torch.arange(count)
        self.batch = 0

    def __next__(self):
        if self.batch >= len(self.loader):
            raise StopIteration
        size = self.loader.batch_size
        chosen = self.order[self.batch * size:(self.batch + 1) * size]
        self.batch += 1
        samples = [self.loader.dataset[index] for index in chosen.tolist()]
        shape, dtype = samples[0][0].shape, samples[0][0].dtype
        images = torch.empty((len(samples), *shape), dtype=dtype)
        labels = torch.empty(len(samples), dtype=torch.long)
        for row, (image, label) in enumerate(samples):
            images[row] = image
            labels[row] = label
        return [images, labels]


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=False, generator=None, drop_last=False):
        self.dataset, self.batch_size = dataset, batch_size
        self.shuffle, self.generator, self.drop_last = shuffle, generator, drop_last

    def __len__(self):
        full, rest = divmod(len(self.dataset), self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def __iter__(self):
        return BatchIterator(self)
