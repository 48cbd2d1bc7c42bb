# typing.Iterator[int] gives __iter__ (returning self); only __next__ is written.
from typing import Iterator
class ExampleLoader(Iterator[int]):
    def __init__(self, data): self.it = iter(data)
    def __next__(self): return next(self.it)
