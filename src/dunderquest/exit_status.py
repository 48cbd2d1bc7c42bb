"""The exit status of every `dunderquest` command: 0 when all is well (every check passed), 1 when a
check failed or something could not be done, 2 for a usage error (an unknown level, a missing
workspace, a wrong option)."""

OK, FAILED, USAGE = 0, 1, 2
