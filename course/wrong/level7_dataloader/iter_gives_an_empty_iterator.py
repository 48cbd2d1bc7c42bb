# __iter__ returns an empty iterator: every pass ends at once.
# must fail: test_two_passes_are_independent
# must fail: test_a_batch_is_stacked_images_and_int64_labels
# must fail: test_a_sequential_pass_matches_torch
# says: raised StopIteration: your iterator ended there
import torch


def collate(samples):
    """[(image, label), ...] -> [images stacked into one tensor, labels as an int64 tensor]."""
    images, labels = zip(*samples)
    return [torch.stack(images), torch.tensor(labels)]


class DataLoader:
    """Batches a map-style dataset. It is iterable, not an iterator: each pass gets its own iterator."""

    def __init__(self, dataset, batch_size=1, shuffle=False, generator=None, drop_last=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        self.drop_last = drop_last

    def __len__(self):
        if self.drop_last:
            return len(self.dataset) // self.batch_size
        return -(-len(self.dataset) // self.batch_size)  # rounds up: a short last batch counts

    def __iter__(self):
        return iter([])  # meant to come back to: an iterator that has nothing


class DataLoaderIter:
    """One pass over a DataLoader: the order is fixed when the pass starts, items are read per batch."""

    def __init__(self, loader):
        self.loader = loader
        size = len(loader.dataset)
        if loader.shuffle:
            self.order = torch.randperm(size, generator=loader.generator).tolist()
        else:
            self.order = list(range(size))
        self.position = 0

    def __iter__(self):
        return self

    def __next__(self):
        size = self.loader.batch_size
        indices = self.order[self.position:self.position + size]
        if not indices or (self.loader.drop_last and len(indices) < size):
            self.position = len(self.order)  # once ended, it stays ended
            raise StopIteration
        self.position += len(indices)
        return collate([self.loader.dataset[i] for i in indices])
