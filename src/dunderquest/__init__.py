"""dunderquest: a terminal game that teaches the Python magic behind PyTorch."""

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """`%load_ext dunderquest` in IPython or Jupyter: the `%dunderquest` and `%%dunderquest` magics."""
    from .notebook import load_ipython_extension as load

    load(ipython)
