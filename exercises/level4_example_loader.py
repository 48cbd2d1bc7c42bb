"""Level 4: iterators, the DataLoader way.

`ExampleLoader(data)` hands out the items of any iterable one at a time: `iter(l)` returns `l`
itself, each `next(l)` gives the next item, and at the end `next(l)` raises StopIteration (and
keeps raising it). It must be lazy: it takes an item from `data` only when `next()` asks, so it
even works on a generator that never ends. Wrapped around a real DataLoader,
`images, labels = next(iter(ExampleLoader(loader)))` gives the loader's first batch.

This class was copied from a blog post, and it has a bug. It works for some data and not for
others: find out which, and why.

Read the lesson in the game, or with `dunderquest lesson 4`.
Check your work with ctrl+r in the game, or `dunderquest check 4`.
"""


class ExampleLoader:
    def __init__(self, data):
        self.data = data

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.data)
