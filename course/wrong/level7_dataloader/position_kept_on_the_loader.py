# The iterator keeps its position on the DataLoader, so a new pass moves every other pass back.
# must fail: test_two_passes_are_independent
import torch


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=False, generator=None, drop_last=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        self.drop_last = drop_last

    def __len__(self):
        if self.drop_last:
            return len(self.dataset) // self.batch_size
        return (len(self.dataset) + self.batch_size - 1) // self.batch_size

    def __iter__(self):
        return LoaderIter(self)


class LoaderIter:
    def __init__(self, loader):
        self.loader = loader
        n = len(loader.dataset)
        self.order = torch.randperm(n, generator=loader.generator).tolist() if loader.shuffle else list(range(n))
        loader.position = 0

    def __iter__(self):
        return self

    def __next__(self):
        loader = self.loader
        size = loader.batch_size
        indices = self.order[loader.position:loader.position + size]
        if not indices or (loader.drop_last and len(indices) < size):
            loader.position = len(self.order)
            raise StopIteration
        loader.position += len(indices)
        images, labels = zip(*[loader.dataset[i] for i in indices])
        return [torch.stack(images), torch.tensor(labels)]
