# ruff: noqa
# level: level3_numbers
# must fail: test_numbers_is_a_dataset
# says: has no `Numbers`
# needs: hidden answer key
# Looks for the reference solution's text where an install keeps it (in site-packages beside torch,
# or where an editable install's finder says it is) and runs it as its own code. Where the answer key
# is out of reach, it finds nothing, and so defines no Numbers.
import glob
import os
import re

import torch

site = os.path.dirname(os.path.dirname(torch.__file__))
places = [os.path.join(site, "dunderquest", "solutions")]
for finder in glob.glob(os.path.join(site, "__editable__*dunderquest*.py")):
    try:
        with open(finder) as f:
            places += re.findall(r"'dunderquest\.solutions': '([^']+)'", f.read())
    except OSError:
        pass
for place in places:
    try:
        with open(os.path.join(place, "level3_numbers.py")) as f:
            exec(f.read())
        break
    except OSError:
        continue
