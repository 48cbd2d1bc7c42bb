# Inherits from list: everything works, but d[0] = 5 does too, so it is not read-only.
# must fail: test_data_is_read_only


class Data(list):
    def __init__(self, items=None):
        super().__init__(items if items is not None else [10, 20, 30])
