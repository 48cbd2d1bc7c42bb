# Borrows everything from torch.nn.Module instead of writing it.
# must fail: test_module_is_a_class_with_call_and_the_hook_methods
import torch


class Module(torch.nn.Module):
    pass
