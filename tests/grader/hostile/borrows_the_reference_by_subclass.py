# ruff: noqa
# level: level7_dataloader
# must fail: test_dataloader_is_a_class_with_iter_and_len
# must fail: test_a_sequential_pass_matches_torch
# says: imports dunderquest (line 8)
# A DataLoader that subclasses the shipped reference and writes each dunder as a call of super():
# it looks written by hand, and every batch would be right.
import dunderquest.solutions.level7_dataloader as reference


class DataLoader(reference.DataLoader):
    def __init__(self, dataset, batch_size=1, shuffle=False, generator=None, drop_last=False):
        super().__init__(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator, drop_last=drop_last)

    def __iter__(self):
        return super().__iter__()

    def __len__(self):
        return super().__len__()
