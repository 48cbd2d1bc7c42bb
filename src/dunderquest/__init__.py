"""dunderquest: a terminal game that teaches the Python magic behind PyTorch."""

__version__ = "0.1.0"
