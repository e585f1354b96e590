"""The ``wecare-flows`` command: one group, a module per family of commands."""

from __future__ import annotations

import os
import sys

import click

from workflows.cli import approvals, executions, local, messages, outbox, templates
from workflows.cli.connection import DEFAULT_ENDPOINT, ENDPOINT_VARIABLE, Connection
from workflows.cli.errors import CliError, ExitCode


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--endpoint-url", envvar=ENDPOINT_VARIABLE, default=DEFAULT_ENDPOINT,
              show_default=True, help="the embedded runtime's URL, or 'aws' for AWS itself")
@click.option("--region", envvar="AWS_REGION", default="ap-south-1", show_default=True)
@click.pass_context
def cli(context: click.Context, endpoint_url: str, region: str) -> None:
    """Run the WECARE.DIGITAL operations runbook as workflows."""
    context.obj = Connection(endpoint_url=endpoint_url.rstrip("/"), region=region)


COMMANDS = (
    executions.list_workflows, executions.start, executions.watch, executions.status,
    executions.history, executions.executions, executions.list_schedules, executions.fire,
    outbox.outbox, local.local,
    approvals.approvals, approvals.audit, approvals.approve, approvals.reject,
    templates.templates,
    messages.send_test_event, messages.redrive_dlq, messages.seed,
)
for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    """Entry point: user errors print one line and exit with their own code."""
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    try:
        # With standalone_mode off, click returns the code of a command's Exit.
        code = cli.main(standalone_mode=False)
    except CliError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(ExitCode.USAGE)
    except click.exceptions.Abort:
        sys.exit(ExitCode.INTERRUPTED)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)
