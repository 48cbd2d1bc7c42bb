# The DataLoader is its own iterator: __iter__ rewinds and returns self, so two passes share one
# position.
# must fail: test_iter_gives_a_new_iterator_object_each_time
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
        n = len(self.dataset)
        self.order = torch.randperm(n, generator=self.generator).tolist() if self.shuffle else list(range(n))
        self.position = 0
        return self

    def __next__(self):
        size = self.batch_size
        indices = self.order[self.position:self.position + size]
        if not indices or (self.drop_last and len(indices) < size):
            self.position = len(self.order)
            raise StopIteration
        self.position += len(indices)
        images, labels = zip(*[self.dataset[i] for i in indices])
        return [torch.stack(images), torch.tensor(labels)]
