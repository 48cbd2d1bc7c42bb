# must fail: test_sequential_is_a_class_with_the_container_dunders
"""Lets torch.nn.Sequential do all the work."""
import torch


class Sequential(torch.nn.Sequential):
    def __init__(self, *modules):
        super().__init__(*modules)

    def __call__(self, x):
        return super().__call__(x)

    def __len__(self):
        return super().__len__()

    def __getitem__(self, index):
        return super().__getitem__(index)

    def __iter__(self):
        return super().__iter__()
