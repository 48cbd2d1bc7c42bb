"""The stubs a learner starts from, one file per level (shipped as `dunderquest.exercises`)."""
