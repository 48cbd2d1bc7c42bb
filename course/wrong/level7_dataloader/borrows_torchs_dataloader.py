# Hands everything to torch's own DataLoader instead of writing it.
# must fail: test_dataloader_is_a_class_with_iter_and_len
from torch.utils.data import DataLoader  # noqa: F401
