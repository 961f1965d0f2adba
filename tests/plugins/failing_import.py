"""A plugin module that fails while it is imported."""

raise ImportError("needs a library that is not installed")
