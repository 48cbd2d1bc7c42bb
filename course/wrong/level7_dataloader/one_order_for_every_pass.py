# Draws the shuffled order once, in DataLoader.__init__, so every pass repeats it.
# must fail: test_each_pass_is_a_new_shuffle
import torch


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=False, generator=None, drop_last=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        n = len(dataset)
        self.order = torch.randperm(n, generator=generator).tolist() if shuffle else list(range(n))

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
        indices = self.loader.order[self.position:self.position + size]
        if not indices or (self.loader.drop_last and len(indices) < size):
            self.position = len(self.loader.order)
            raise StopIteration
        self.position += len(indices)
        images, labels = zip(*[self.loader.dataset[i] for i in indices])
        return [torch.stack(images), torch.tensor(labels)]
