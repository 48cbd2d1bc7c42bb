"""Level 4's probes, run in the sandbox: iterators that count the items an ExampleLoader pulls from
them, so a check can tell a lazy loader from one that reads everything up front."""

from __future__ import annotations

PULL_LIMIT = 100_000  # far more than a lazy loader pulls for a few next() calls


class PulledTooMuch(Exception):
    """Raised by an endless CountingIterator once PULL_LIMIT items were pulled from it: only a loader
    that reads everything up front gets there, and it fails at once instead of at the deadline."""


class CountingIterator:
    """An iterator over 0, 1, 2, ... (endless when `stop` is None) that counts the items pulled."""

    def __init__(self, stop: int | None):
        self.stop = stop
        self.pulled = 0

    def __iter__(self):
        return self

    def __next__(self) -> int:
        if self.stop is not None and self.pulled >= self.stop:
            raise StopIteration
        if self.stop is None and self.pulled >= PULL_LIMIT:
            raise PulledTooMuch(f"{PULL_LIMIT:,} items")
        self.pulled += 1
        return self.pulled - 1


def counting_generator(counter: CountingIterator):
    """The same as a generator function, for learners whose code treats generators specially."""
    while True:
        try:
            yield next(counter)
        except StopIteration:
            return
