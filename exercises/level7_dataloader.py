"""Level 7: DataLoader, an iterable that makes iterators.

Write your own `DataLoader(dataset, batch_size=1, shuffle=False, generator=None, drop_last=False)`:

- `iter(loader)` returns a new object of a separate iterator class every time, as PyTorch's does,
  so two passes never share their position. That iterator's `__next__` gives one batch per call,
  and its `__iter__` returns itself.
- A batch of `(image, label)` samples is `[images, labels]`: the images stacked into one tensor, the
  labels in an int64 tensor (a list, as PyTorch gives, or a tuple).
- Without shuffle the items come in order. With `shuffle=True`, each pass takes them in the order
  `torch.randperm(len(dataset), generator=generator)`.
- The last batch is shorter when `batch_size` does not divide the length; `drop_last=True` leaves
  it out. `len(loader)` is the number of batches.
- Each batch's items are read only when `next()` asks for that batch.

The grader compares your batches with torch.utils.data.DataLoader's on MNIST. Below is the
ExampleLoader idea stretched too far: it is its own iterator, and it hands out single items.

Read the lesson in the game, or with `dunderquest lesson 7`.
Check your work with ctrl+r in the game, or `dunderquest check 7`.
"""


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=False, generator=None, drop_last=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.position = 0

    def __len__(self):
        return len(self.dataset)

    def __iter__(self):
        return self

    def __next__(self):
        if self.position >= len(self.dataset):
            raise StopIteration
        item = self.dataset[self.position]
        self.position += 1
        return item
