# Keeps a flag, so it stays ended even if the data's own iterator would start again.
class ExampleLoader:
    def __init__(self, data):
        self.items = iter(data)
        self.done = False

    def __iter__(self):
        return self

    def __next__(self):
        if self.done:
            raise StopIteration
        try:
            return next(self.items)
        except StopIteration:
            self.done = True
            raise
