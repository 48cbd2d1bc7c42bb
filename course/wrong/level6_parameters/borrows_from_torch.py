# Inherits everything from torch.nn.Module instead of writing it.
# must fail: test_module_is_a_class_with_setattr_and_parameters
from torch import nn

Module = nn.Module
