# __iter__ is a lambda two classes up.
class Base:
    __iter__ = lambda self: self
class Mid(Base): pass
class ExampleLoader(Mid):
    def __init__(self, data): self.it = iter(data)
    def __next__(self): return next(self.it)
