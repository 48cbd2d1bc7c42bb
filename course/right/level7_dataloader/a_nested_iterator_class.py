# The iterator class is nested in DataLoader, and the order of a pass is drawn in
# DataLoader.__iter__ and handed to it.
import torch


class DataLoader:
    class _Iterator:
        def __init__(self, loader, order):
            self.loader = loader
            self.order = order
            self.at = 0

        def __iter__(self):
            return self

        def __next__(self):
            loader = self.loader
            stop = self.at + loader.batch_size
            if stop > len(self.order) and (loader.drop_last or self.at >= len(self.order)):
                self.at = len(self.order)
                raise StopIteration
            chosen, self.at = self.order[self.at:stop], min(stop, len(self.order))
            pairs = [loader.dataset[i] for i in chosen]
            return [torch.stack([p[0] for p in pairs]), torch.LongTensor([p[1] for p in pairs])]

    def __init__(self, dataset, batch_size=1, shuffle=False, generator=None, drop_last=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        self.drop_last = drop_last

    def __iter__(self):
        n = len(self.dataset)
        order = torch.randperm(n, generator=self.generator).tolist() if self.shuffle else list(range(n))
        return DataLoader._Iterator(self, order)

    def __len__(self):
        n, size = len(self.dataset), self.batch_size
        return n // size if self.drop_last else (n + size - 1) // size
