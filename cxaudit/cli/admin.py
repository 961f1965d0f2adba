"""CLI commands: admin."""

import click


def register(group: click.Group) -> None:
    """Add this module's commands to ``group``."""
