# Copies the data into a list up front: fine for a list, never ends on an endless generator.
# must fail: test_it_pulls_no_item_before_it_is_asked
# must fail: test_it_works_on_an_endless_generator
# says: before giving back a single one


class ExampleLoader:
    def __init__(self, data):
        self.items = list(data)
        self.position = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self.position >= len(self.items):
            raise StopIteration
        item = self.items[self.position]
        self.position += 1
        return item
