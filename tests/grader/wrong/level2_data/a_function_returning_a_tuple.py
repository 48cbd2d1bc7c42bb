# Data is a function that returns a tuple: no class, no __len__, no __getitem__ of its own.
# must fail: test_a_new_data_holds_10_20_30
# known bug: level 2 never checks that Data is a class; the checks call `.named()` on the plain tuple and every check reports "The grader itself failed"


def Data(items=(10, 20, 30)):
    return tuple(items)
