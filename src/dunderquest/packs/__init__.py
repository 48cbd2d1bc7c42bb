"""For teachers who write their own levels: `dunderquest pack new` (scaffold.py) makes a course pack
with one small, complete level, and `dunderquest pack check` (check.py) proves a pack: its files are
well-formed, each stub fails, each solution and right file passes, each wrong file fails the checks it
names, and every check is failed by some wrong file. The pack format itself is read by core/pack.py.
"""
