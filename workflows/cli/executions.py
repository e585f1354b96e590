"""Commands that start, follow and read executions: list, start, watch, status, history."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import click

from workflows.catalog import WORKFLOWS, find_schedule, schedules, workflow
from workflows.cli.connection import Connection, aws_errors
from workflows.cli.errors import BadInput, CliError, ExitCode, NotFound
from workflows.cli.inputs import parse_input
from workflows.cli.preflight import PREFLIGHTS
from workflows.cli.timeline import timeline
from workflows.cron import next_fire_time

TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def known_workflow(name: str) -> None:
    try:
        workflow(name)
    except KeyError:
        names = ", ".join(w.name for w in WORKFLOWS)
        raise NotFound(f"unknown workflow {name!r}; the workflows are: {names}") from None


def check_execution_arn(arn: str) -> None:
    if not arn.startswith("arn:") or ":execution:" not in arn:
        raise BadInput(
            f"{arn!r} is not an execution ARN (arn:aws:states:REGION:ACCOUNT:execution:"
            "WORKFLOW:NAME); 'wecare-flows executions' lists them"
        )


def history_events(connection: Connection, arn: str) -> list[dict[str, Any]]:
    check_execution_arn(arn)
    events: list[dict[str, Any]] = []
    with aws_errors(connection):
        paginator = connection.client("stepfunctions").get_paginator("get_execution_history")
        for page in paginator.paginate(executionArn=arn):
            events.extend(page["events"])
    return events


def describe(connection: Connection, arn: str) -> dict[str, Any]:
    check_execution_arn(arn)
    with aws_errors(connection):
        return connection.client("stepfunctions").describe_execution(executionArn=arn)


@click.command("list")
def list_workflows() -> None:
    """Show the workflows: name, type, what starts them."""
    rows = [("WORKFLOW", "TYPE", "STARTED BY")] + [
        (entry.name, entry.type, ", ".join(entry.started_by)) for entry in WORKFLOWS
    ]
    widths = [max(len(row[column]) for row in rows) + 2 for column in range(3)]
    for index, row in enumerate(rows):
        line = "".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        click.echo(line.rstrip())
        if index:
            click.echo(f"  {WORKFLOWS[index - 1].summary}")


@click.command()
@click.argument("workflow_name", metavar="WORKFLOW")
@click.option("--input", "raw_input", help="JSON object, or @file.json")
@click.option("--name", "execution_name", help="execution name (default: generated)")
@click.option("--watch", "follow", is_flag=True, help="follow the execution until it ends")
@click.pass_obj
def start(
    connection: Connection, workflow_name: str, raw_input: str | None,
    execution_name: str | None, follow: bool,
) -> None:
    """Start WORKFLOW and print the execution ARN."""
    known_workflow(workflow_name)
    execution_input = parse_input(raw_input)
    arn = start_execution(connection, workflow_name, execution_input, execution_name)
    click.echo(arn)
    if follow:
        watch_execution(connection, arn, interval=0.5, timeout=None)


def start_execution(
    connection: Connection, workflow_name: str, execution_input: dict[str, Any],
    execution_name: str | None = None,
) -> str:
    state_machine_arn = connection.state_machine_arn(workflow_name)
    preflight = PREFLIGHTS.get(workflow_name)
    if preflight is not None:
        preflight(connection, execution_input)
    params: dict[str, Any] = {
        "stateMachineArn": state_machine_arn, "input": json.dumps(execution_input)
    }
    if execution_name:
        params["name"] = execution_name
    with aws_errors(connection):
        return connection.client("stepfunctions").start_execution(**params)["executionArn"]


@click.command()
@click.argument("arn")
@click.option("--interval", default=0.5, show_default=True, help="seconds between polls")
@click.option("--timeout", type=float, help="give up after this many seconds")
@click.pass_obj
def watch(connection: Connection, arn: str, interval: float, timeout: float | None) -> None:
    """Follow an execution state by state until it ends; non-zero exit if it did not succeed."""
    watch_execution(connection, arn, interval, timeout)


def watch_execution(
    connection: Connection, arn: str, interval: float, timeout: float | None
) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    shown = 0
    origin = None
    while True:
        status = describe(connection, arn)["status"]
        events = history_events(connection, arn)
        origin = origin or (events[0]["timestamp"] if events else None)
        for line in timeline(events[shown:], origin):
            click.echo(line)
        shown = len(events)
        if status in TERMINAL:
            break
        if deadline is not None and time.monotonic() > deadline:
            raise CliError(f"execution still {status} after {timeout}s; it keeps running")
        time.sleep(interval)
    if status != "SUCCEEDED":
        raise click.exceptions.Exit(ExitCode.EXECUTION_FAILED)


@click.command()
@click.argument("arn")
@click.pass_obj
def status(connection: Connection, arn: str) -> None:
    """Where an execution stands: status, current step, times, error or output."""
    described = describe(connection, arn)
    events = history_events(connection, arn)
    click.echo(f"execution  {described['executionArn']}")
    click.echo(f"workflow   {described['stateMachineArn'].rsplit(':', 1)[-1]}")
    click.echo(f"status     {described['status']}")
    click.echo(f"started    {described['startDate'].astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC")
    if "stopDate" in described:
        took = (described["stopDate"] - described["startDate"]).total_seconds()
        click.echo(f"ended      {described['stopDate'].astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC "
                   f"({took:.1f}s)")
    else:
        current = current_state(events)
        if current:
            click.echo(f"now in     {current}")
    if described.get("error"):
        click.echo(f"error      {described['error']}")
        click.echo(f"cause      {described.get('cause', '')}")
    if described.get("output"):
        click.echo(f"output     {described['output']}")
    if described["status"] not in ("SUCCEEDED", "RUNNING"):
        raise click.exceptions.Exit(ExitCode.EXECUTION_FAILED)


def current_state(events: list[dict[str, Any]]) -> str | None:
    for event in reversed(events):
        if event["type"].endswith("StateEntered"):
            return event["stateEnteredEventDetails"]["name"]
    return None


@click.command()
@click.argument("arn")
@click.option("--json", "as_json", is_flag=True, help="the raw events, as the API returns them")
@click.pass_obj
def history(connection: Connection, arn: str, as_json: bool) -> None:
    """What each step of an execution did, as a readable timeline."""
    events = history_events(connection, arn)
    if as_json:
        click.echo(json.dumps(events, default=str, indent=2))
        return
    for line in timeline(events):
        click.echo(line)


@click.command()
@click.argument("workflow_name", metavar="[WORKFLOW]", required=False)
@click.option("--status", "status_filter",
              type=click.Choice(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]))
@click.option("--limit", default=20, show_default=True)
@click.pass_obj
def executions(
    connection: Connection, workflow_name: str | None, status_filter: str | None, limit: int
) -> None:
    """The latest executions, newest first (of one workflow, or of all)."""
    names = [workflow_name] if workflow_name else [w.name for w in WORKFLOWS]
    if workflow_name:
        known_workflow(workflow_name)
    rows = []
    sfn = connection.client("stepfunctions")
    for name in names:
        params: dict[str, Any] = {"stateMachineArn": connection.state_machine_arn(name),
                                  "maxResults": limit}
        if status_filter:
            params["statusFilter"] = status_filter
        with aws_errors(connection):
            rows += sfn.list_executions(**params)["executions"]
    rows.sort(key=lambda row: row["startDate"], reverse=True)
    for row in rows[:limit]:
        click.echo(f"{row['startDate'].astimezone(UTC):%Y-%m-%d %H:%M:%S}  {row['status']:<10} "
                   f"{row['executionArn']}")


@click.command("schedules")
def list_schedules() -> None:
    """The schedules of the catalog and when each fires next (UTC)."""
    now = datetime.now(UTC)
    for entry, schedule in schedules():
        due = next_fire_time(schedule.cron_fields, now)
        click.echo(f"{schedule.name:<22}{entry.name:<22}{schedule.expression:<22}"
                   f"next {due:%Y-%m-%d %H:%M} UTC  {schedule.description}")


@click.command()
@click.argument("schedule_name", metavar="SCHEDULE")
@click.pass_obj
def fire(connection: Connection, schedule_name: str) -> None:
    """Fire a schedule now, as EventBridge Scheduler would, and print the execution ARN."""
    try:
        entry, schedule = find_schedule(schedule_name)
    except KeyError:
        names = ", ".join(s.name for _, s in schedules())
        raise NotFound(f"unknown schedule {schedule_name!r}; the schedules are: {names}") from None
    now = datetime.now(UTC)
    click.echo(start_execution(connection, entry.name, schedule.input,
                               schedule.execution_name(now)))

