"""``wecare-flows outbox``: the e-mails the embedded runtime sent."""

from __future__ import annotations

import json

import click

from workflows.cli.connection import Connection


@click.command()
@click.option("--json", "as_json", is_flag=True, help="the messages as JSON")
@click.option("--last", type=int, help="only the last N messages")
@click.pass_obj
def outbox(connection: Connection, as_json: bool, last: int | None) -> None:
    """List the e-mails sent by the embedded runtime (also at /_local/outbox)."""
    messages = connection.local_json("/_local/outbox.json")
    if last:
        messages = messages[-last:]
    if as_json:
        click.echo(json.dumps(messages, indent=2))
        return
    if not messages:
        click.echo("the outbox is empty")
    for message in messages:
        click.echo(f"{', '.join(message['to']):<32} {message['subject']}")
    click.echo(f"\nopen {connection.endpoint_url}/_local/outbox to read them")
