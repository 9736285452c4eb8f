"""The ``docgen`` command: parses arguments, calls the library, formats the result.

No logic lives here. Each command group is its own module with a ``register(group)`` function.
"""

from __future__ import annotations

import click

from docgen import __version__

from . import archive_cmds, demo_cmds, generate_cmds, handover_cmds, search_cmds


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="docgen")
def cli() -> None:
    """docgen：合同、保密协议、验收报告、监理通知单的生成，加密归档、全文检索与移交。"""


for _module in (generate_cmds, archive_cmds, search_cmds, handover_cmds, demo_cmds):
    _module.register(cli)


def main() -> None:
    cli(prog_name="docgen")
