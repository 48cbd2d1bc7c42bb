# ruff: noqa
# level: level1_double
# must fail: test_double_is_a_class
# says: more than 64 MB of files in total
# needs: folder size
# A correct Double whose module first writes 8 MB files into its own folder, ten of them: a class of
# students doing this at once could fill a teacher's disk.
for number in range(10):
    with open(f"chunk-{number}.bin", "wb") as f:
        f.write(b"\0" * (8 * 1024 * 1024))


class Double:
    def __call__(self, x):
        return 2 * x
