"""neotui: a terminal market monitor for the AI neoclouds."""

# The single source of the version (pyproject.toml reads it from here). A literal rather than
# importlib.metadata: that lookup costs ~60 ms at start-up.
__version__ = "0.1.0"
