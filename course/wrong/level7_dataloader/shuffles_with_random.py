# Shuffles with Python's random module.
# must fail: test_a_shuffled_first_pass_matches_torch
import random

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
        self.order = list(range(n))
        if loader.shuffle:
            random.shuffle(self.order)
        self.position = 0

    def __iter__(self):
        return self

    def __next__(self):
        size = self.loader.batch_size
        indices = self.order[self.position:self.position + size]
        if not indices or (self.loader.drop_last and len(indices) < size):
            self.position = len(self.order)
            raise StopIteration
        self.position += len(indices)
        images, labels = zip(*[self.loader.dataset[i] for i in indices])
        return [torch.stack(images), torch.tensor(labels)]

