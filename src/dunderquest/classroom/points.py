"""Whole-number points, for what the learner did.

A level is worth a whole number of points (its `points` in level.toml, or in a teacher's class
file). They are split across the level's checks so that each check is worth a whole number and they
add up to the level's points exactly: equal shares, and the remainder one point each to the first
checks (the largest remainders, all equal here). Only checks that the level's untouched stub fails
carry points: a check the stub already passes ("Double is a class") proves nothing about the
learner, so starter code handed in as it is scores 0, and a full solution scores the level's points.
A stub that fails no check leaves no check to carry points: the level is worth 0 in that run, since
handing in the starting file would otherwise earn everything.
"""

from __future__ import annotations

from collections.abc import Sequence


def split(points: int, checks: Sequence[str], scoring: set[str]) -> dict[str, int]:
    """Each check's whole points: `points` shared by the checks in `scoring`, in order, the first
    ones one point more when it does not divide; 0 for the others (and for every check when
    `scoring` holds none of them)."""
    earning = [check for check in checks if check in scoring]
    share, extra = divmod(points, len(earning)) if earning else (0, 0)
    weights = {check: 0 for check in checks}
    for number, check in enumerate(earning):
        weights[check] = share + (1 if number < extra else 0)
    return weights
