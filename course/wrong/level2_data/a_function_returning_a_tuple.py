# Data is a function that returns a tuple: no class, no __len__, no __getitem__ of its own.
# must fail: test_data_is_a_class
# must fail: test_a_new_data_holds_10_20_30


def Data(items=(10, 20, 30)):
    return tuple(items)
