"""dunderquest: a terminal game that teaches the Python magic behind PyTorch."""

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """`%load_ext dunderquest` in IPython or Jupyter: the `%dunderquest` and `%%dunderquest` magics."""
    import importlib

    # Named, not imported: the package's root stays free of the notebook's imports (the grader's
    # client), which modules that only read `__version__` must not pull in.
    importlib.import_module("dunderquest.notebook").load_ipython_extension(ipython)
