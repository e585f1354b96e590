"""``wecare-flows local``: the embedded runtime, served on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

import click

from workflows.settings import LOCAL_ENDPOINT_PORT


@click.command()
@click.option("--port", default=LOCAL_ENDPOINT_PORT, show_default=True, help="0 picks a free port")
@click.option("--time-scale", default=1.0, show_default=True,
              help="multiply every wait by this (0.001: a 30-minute job takes ~2 s)")
@click.option("--no-schedules", is_flag=True, help="do not fire the catalog's schedules")
@click.option("--log-level", default="WARNING", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
              help="level of the task handlers' structured logs")
def local(port: int, time_scale: float, no_schedules: bool, log_level: str) -> None:
    """Run every workflow on this machine behind an AWS-compatible endpoint."""
    from workflows.local.runtime import LocalRuntime
    from workflows.local.scheduler import Scheduler
    from workflows.local.server import LocalServer

    if time_scale <= 0:
        raise click.BadParameter("must be greater than 0", param_hint="--time-scale")
    started = time.monotonic()
    runtime = LocalRuntime(time_scale=time_scale, log_level=log_level).start()
    server = LocalServer(runtime, port=port)
    try:
        server.start()
    except OSError as exc:
        runtime.stop()
        from workflows.cli.errors import CliError

        raise CliError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); "
                       "choose another --port") from exc
    runtime.attach_server(server)
    scheduler = Scheduler(runtime.start_execution)
    if not no_schedules:
        scheduler.start()
    _print_banner(runtime, server, scheduler, time.monotonic() - started, no_schedules)
    _serve_until_interrupted()
    scheduler.stop()
    server.stop()
    runtime.stop()
    click.echo("stopped")


def _print_banner(runtime: Any, server: Any, scheduler: Any, took: float, paused: bool) -> None:
    url = server.url
    click.echo(f"wecare-flows embedded runtime ready at {url} in {took:.1f}s "
               f"(time scale {runtime.time_scale:g})")
    click.echo("state machines:")
    for name, arn in runtime.state_machine_arns.items():
        click.echo(f"  {name:<22}{arn}")
    click.echo(f"tenants: {', '.join(t.tenant_id for t in runtime.settings.tenants)}")
    if paused:
        click.echo("schedules: not fired (--no-schedules)")
    for due, _, schedule in scheduler.next_firings():
        if not paused:
            click.echo(f"schedule {schedule.name}: next {due:%Y-%m-%d %H:%M} UTC")
    click.echo(f"outbox: {url}/_local/outbox")
    click.echo("\ntry, in another terminal:")
    port_flag = "" if server.port == LOCAL_ENDPOINT_PORT else f"WECARE_FLOWS_ENDPOINT={url} "
    for example in (
        "wecare-flows list",
        "wecare-flows start kb-sync --watch",
        "wecare-flows history ARN",
        f"aws stepfunctions list-state-machines --endpoint-url {url} --region {runtime.region}",
    ):
        prefix = port_flag if example.startswith("wecare") else ""
        click.echo(f"  {prefix}{example}")
    click.echo("\nCtrl-C stops the runtime.")


def _serve_until_interrupted() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
