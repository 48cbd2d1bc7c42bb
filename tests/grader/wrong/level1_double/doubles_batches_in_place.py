# Doubles a whole batch in place "to save memory"; a single image is left alone.
# must fail: test_double_leaves_its_input_unchanged
# known bug: only a single float image is checked for in-place changes, never a batch or the uint8 pixels
import torch


class Double:
    def __call__(self, x):
        if isinstance(x, torch.Tensor) and x.dim() == 4:
            return x.mul_(2)
        return 2 * x
