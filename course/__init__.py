"""The built-in course: dunderquest's ten levels, as a course pack (see core/pack.py).

    pack.toml                     the pack's name, title, version and the dunderquest it works with
    levels/<level>/               level.toml, lesson.md, hints.md, checks.py, and probes.py if needed
    exercises/<level>.py          the stubs a learner starts from
    solutions/<level>.py          the reference solutions
    wrong/<level>/*.py            wrong solutions, each naming the checks it must fail (not installed)
    right/<level>/*.py            right solutions written another way (not installed)

Installed as `dunderquest.course`, without wrong/ and right/ (they prove the checks; the game does not
need them).
"""
