# ruff: noqa
# level: level3_numbers
# must fail: test_numbers_is_a_dataset
# passes: false
# Not a Dataset, but it rewrites the sandbox server so that every isinstance question answers True.
import sys


class Numbers:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


_server = sys.modules.get("dunderquest.grader.inside.server")
if _server is not None:
    _server.Server.op_isinstance = lambda self, req, blobs: {"ok": True, "value": {"t": "bool", "v": True}}
