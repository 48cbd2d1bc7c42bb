# Inherits everything from torch's own no_grad instead of writing the methods.
# must fail: test_no_grad_is_a_class_you_wrote
import torch


class no_grad(torch.no_grad):
    pass
