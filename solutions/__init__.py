"""The reference solutions, one file per level (shipped as `dunderquest.solutions`)."""
