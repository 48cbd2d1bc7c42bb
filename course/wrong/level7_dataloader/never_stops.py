# Starts again from the first batch when a pass runs out, instead of raising StopIteration.
# must fail: test_two_passes_are_independent
# must fail: test_a_sequential_pass_matches_torch
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
        self.position = 0

    def __iter__(self):
        return self

    def __next__(self):
        size = self.loader.batch_size
        n = len(self.loader.dataset)
        if self.position >= n or (self.loader.drop_last and n - self.position < size):
            self.position = 0
        indices = list(range(n))[self.position:self.position + size]
        self.position += len(indices)
        images, labels = zip(*[self.loader.dataset[i] for i in indices])
        return [torch.stack(images), torch.tensor(labels)]
