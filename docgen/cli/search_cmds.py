"""CLI commands: search. Filled in by the issue that owns them."""

import click


def register(cli: click.Group) -> None:
    """Attach this module's commands to the main group."""
