"""Level 2: length and indexing.

`Data(items)` should behave like a read-only list: `len(d)` counts the items, `d[i]` gives item i
(negative i counts from the end, and an index past the end raises IndexError). `Data()` with no
argument holds 10, 20 and 30.

This class was copied from a blog post, and it has bugs. Find them.

Read the lesson in the game, or with `dunderquest lesson 2`.
Check your work with ctrl+r in the game, or `dunderquest check 2`.
"""


class Data:
    def __init__(self, items=None):
        self.x = [10, 20, 30]

    def __len__(self):
        return 10

    def __getitem__(self, i):
        return x[i]
