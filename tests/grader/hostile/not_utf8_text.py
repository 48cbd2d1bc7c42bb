# ruff: noqa
# level: level1_double
# says: line 7 holds the byte 0xe9, which is not UTF-8 text
# says: Save the file as UTF-8
# A right Double, saved by an editor set to Latin-1: Python itself refuses to run this file.

# café au lait
class Double:
    def __call__(self, x):
        return 2 * x
