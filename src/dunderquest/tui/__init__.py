"""The game: `dunderquest play`. Textual lives only in this package; it builds on `core` and talks to
the grader through `grader.service.client`, so the UI process never imports torch or pytest."""
