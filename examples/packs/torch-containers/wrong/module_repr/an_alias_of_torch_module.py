# must fail: test_module_is_a_class_with_setattr_extra_repr_and_repr
"""torch.nn.Module itself, under another name: nothing written here."""
import torch

Module = torch.nn.Module
