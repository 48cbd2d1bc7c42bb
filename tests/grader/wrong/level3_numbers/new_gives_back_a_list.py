# Numbers subclasses Dataset, but its __new__ returns a plain list of (x, y) pairs.
# must fail: test_the_small_example_from_the_lesson
# known bug: the checks call `.named()` on the plain list Numbers(...) returns and report "The grader itself failed" instead of speaking to the learner
from torch.utils.data import Dataset


class Numbers(Dataset):
    def __new__(cls, x, y):
        return list(zip(x, y))
