"""Message commands: ``send-test-event``, ``redrive-dlq`` and ``seed menu``.

* ``send-test-event inbound|outbound`` puts a sample message event on EventBridge,
  where the notify rule routes it to its queue and the message-notify workflow e-mails
  it; locally it waits for the e-mail in the outbox. ``--through-waba-topic`` instead
  publishes an inbound WhatsApp message to the WABA's SNS topic (embedded runtime only),
  so the message is also stored and may be welcomed.
* ``redrive-dlq QUEUE`` moves a notify queue's dead-letter messages back to the queue.
* ``seed menu`` stores the default main menu of each tenant through the action Lambda
  (``update_menu_config``), as the runbook's PowerShell seed script did.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import click

from workflows import resources
from workflows.cli.connection import Connection, aws_errors
from workflows.cli.errors import BadInput, CliError, NotFound, ServiceError
from workflows.message_samples import (
    DEFAULT_CUSTOMER,
    DEFAULT_CUSTOMER_NAME,
    MESSAGE_TYPES,
    SAMPLE_MEDIA,
    message_event,
    meta_message,
    waba_notification,
)
from workflows.settings import Tenant, load_settings

ACTION_FUNCTION = "base-wecare-digital-whatsapp"
QUEUES = {"inbound": resources.INBOUND_NOTIFY_QUEUE, "outbound": resources.OUTBOUND_NOTIFY_QUEUE}
DEFAULT_MENU: dict[str, Any] = {
    "menuId": "main",
    "title": "WECARE.DIGITAL",
    "body": "How can we help you today?",
    "buttonText": "Menu",
    "footer": "Reply any time; we answer within a day.",
    "sections": [
        {
            "title": "Travel",
            "rows": [
                {
                    "id": "book_trip",
                    "title": "Book a trip",
                    "description": "Flights, hotels, tours",
                },
                {"id": "my_bookings", "title": "My bookings", "description": "Status and changes"},
                {"id": "payments", "title": "Payments", "description": "Pay by UPI or card"},
            ],
        },
        {
            "title": "Help",
            "rows": [
                {"id": "talk_to_us", "title": "Talk to us", "description": "A person replies"},
                {"id": "about", "title": "About WECARE", "description": "Who we are"},
            ],
        },
    ],
}


def _tenant(tenant_id: str) -> Tenant:
    try:
        return load_settings().tenant(tenant_id)
    except KeyError as exc:
        raise NotFound(str(exc.args[0])) from None


@click.command("send-test-event")
@click.argument("direction", type=click.Choice(sorted(QUEUES)))
@click.option(
    "--type",
    "kind",
    type=click.Choice(MESSAGE_TYPES),
    default="text",
    show_default=True,
    help="message type ('unknown' tests an unsupported type)",
)
@click.option(
    "--tenant",
    "tenant_id",
    default="wecare-digital",
    show_default=True,
    help="tenantId or metaWabaId",
)
@click.option(
    "--customer", default=DEFAULT_CUSTOMER, show_default=True, help="the customer's number, +E.164"
)
@click.option(
    "--name",
    default=DEFAULT_CUSTOMER_NAME,
    show_default=True,
    help="the customer's WhatsApp profile name (inbound)",
)
@click.option("--text", default="Hello from wecare-flows send-test-event", show_default=True)
@click.option("--event-id", help="reuse an eventId (send it twice: one e-mail)")
@click.option(
    "--through-waba-topic",
    is_flag=True,
    help="inbound only, embedded runtime only: publish a WhatsApp message to the "
    "WABA's SNS topic (stored, notified, maybe welcomed)",
)
@click.option(
    "--wait/--no-wait",
    default=None,
    help="wait for the e-mail in the local outbox (default: on locally)",
)
@click.option("--timeout", default=10.0, show_default=True, help="seconds to wait")
@click.pass_obj
def send_test_event(
    connection: Connection,
    direction: str,
    kind: str,
    tenant_id: str,
    customer: str,
    name: str,
    text: str,
    event_id: str | None,
    through_waba_topic: bool,
    wait: bool | None,
    timeout: float,
) -> None:
    """Send a sample message event and (locally) wait for its e-mail."""
    tenant = _tenant(tenant_id)
    if not customer.startswith("+") or not customer[1:].isdigit():
        raise BadInput(f"--customer {customer!r} must be +E.164, such as {DEFAULT_CUSTOMER}")
    wait = connection.is_local if wait is None else wait
    if wait and not connection.is_local:
        raise BadInput("--wait reads the embedded runtime's outbox; on AWS, check the inbox")
    before = len(connection.local_json("/_local/outbox.json")) if wait else 0
    started = time.monotonic()

    if through_waba_topic:
        _publish_to_waba_topic(connection, direction, tenant, kind, customer, name, text)
    else:
        detail = message_event(
            direction, tenant, kind, customer, name, text, event_id=event_id or str(uuid.uuid4())
        )
        if kind in SAMPLE_MEDIA:
            _attach_sample_media(connection, detail)
        _put_event(connection, direction, detail)
        click.echo(
            f"put {direction} {kind} event {detail['eventId']} on EventBridge "
            f"({resources.EVENT_SOURCE} / {QUEUES[direction].detail_type})"
        )
    if wait:
        email = _wait_for_email(connection, before, customer, timeout)
        took = time.monotonic() - started
        click.echo(f"e-mailed in {took:.1f}s: {email['subject']} -> {', '.join(email['to'])}")
        click.echo(f"read it: {connection.endpoint_url}/_local/outbox")


def _put_event(connection: Connection, direction: str, detail: dict[str, Any]) -> None:
    with aws_errors(connection):
        response = connection.client("events").put_events(
            Entries=[
                {
                    "Source": resources.EVENT_SOURCE,
                    "DetailType": QUEUES[direction].detail_type,
                    "Detail": json.dumps(detail),
                }
            ]
        )
    if response.get("FailedEntryCount"):
        entry = response["Entries"][0]
        raise ServiceError(
            f"EventBridge refused the event: {entry.get('ErrorCode')} "
            f"{entry.get('ErrorMessage', '')}"
        )


def _attach_sample_media(connection: Connection, detail: dict[str, Any]) -> None:
    """Put the sample file in the media bucket, where the e-mail's link points."""
    media = detail["message"]["media"][0]
    sample = SAMPLE_MEDIA[media["kind"]]
    key = f"test-events/{detail['eventId']}/{sample.file_name}"
    with aws_errors(connection):
        connection.client("s3").put_object(
            Bucket=resources.MEDIA_BUCKET_NAME,
            Key=key,
            Body=sample.body,
            ContentType=sample.mime_type,
        )
    media.update(bucket=resources.MEDIA_BUCKET_NAME, key=key)


def _publish_to_waba_topic(
    connection: Connection,
    direction: str,
    tenant: Tenant,
    kind: str,
    customer: str,
    name: str,
    text: str,
) -> None:
    if direction != "inbound":
        raise BadInput(
            "--through-waba-topic sends an inbound WhatsApp message; outbound "
            "messages come from send_text or the welcome reply"
        )
    if not connection.is_local:
        raise BadInput(
            "--through-waba-topic is for the embedded runtime: on AWS it would "
            "store a made-up conversation and could send a real welcome reply"
        )
    message = meta_message(kind, customer, text)
    topic_arn = _waba_topic_arn(connection)
    with aws_errors(connection):
        connection.client("sns").publish(
            TopicArn=topic_arn, Message=json.dumps(waba_notification(tenant, [message], name))
        )
    click.echo(
        f"published an inbound {kind} WhatsApp message {message['id']} "
        f"to {resources.WABA_EVENTS_TOPIC_NAME}"
    )


def _waba_topic_arn(connection: Connection) -> str:
    with aws_errors(connection):
        for page in connection.client("sns").get_paginator("list_topics").paginate():
            for topic in page["Topics"]:
                if topic["TopicArn"].rsplit(":", 1)[-1] == resources.WABA_EVENTS_TOPIC_NAME:
                    return str(topic["TopicArn"])
    raise NotFound(
        f"SNS topic {resources.WABA_EVENTS_TOPIC_NAME} not found at {connection.describe()}"
    )


def _wait_for_email(
    connection: Connection, before: int, customer: str, timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for email in connection.local_json("/_local/outbox.json")[before:]:
            if customer in email["subject"]:
                return dict(email)
        time.sleep(0.1)
    raise CliError(
        f"no e-mail for {customer} after {timeout:g}s; look at the executions: "
        "wecare-flows executions message-notify"
    )


@click.command("redrive-dlq")
@click.argument("queue_name", metavar="QUEUE")
@click.option("--max", "limit", type=int, help="move at most this many messages")
@click.pass_obj
def redrive_dlq(connection: Connection, queue_name: str, limit: int | None) -> None:
    """Move QUEUE's dead-letter messages back to QUEUE (inbound, outbound or a queue name)."""
    queue = _notify_queue(queue_name)
    sqs = connection.client("sqs")
    with aws_errors(connection):
        source = sqs.get_queue_url(QueueName=queue.name)["QueueUrl"]
        dead_letters = sqs.get_queue_url(QueueName=queue.dead_letter_name)["QueueUrl"]
    moved = 0
    while limit is None or moved < limit:
        batch = 10 if limit is None else min(10, limit - moved)
        with aws_errors(connection):
            messages = sqs.receive_message(
                QueueUrl=dead_letters,
                MaxNumberOfMessages=batch,
                VisibilityTimeout=60,
                WaitTimeSeconds=0,
                MessageAttributeNames=["All"],
            ).get("Messages", [])
        if not messages:
            break
        for message in messages:
            with aws_errors(connection):
                sqs.send_message(
                    QueueUrl=source,
                    MessageBody=message["Body"],
                    MessageAttributes=message.get("MessageAttributes", {}),
                )
                sqs.delete_message(QueueUrl=dead_letters, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    click.echo(f"moved {moved} message(s) from {queue.dead_letter_name} to {queue.name}")


def _notify_queue(name: str) -> resources.NotifyQueue:
    for queue in resources.NOTIFY_QUEUES:
        if name in (queue.name, queue.dead_letter_name):
            return queue
    if name in QUEUES:
        return QUEUES[name]
    known = ", ".join(["inbound", "outbound", *(q.name for q in resources.NOTIFY_QUEUES)])
    raise NotFound(f"{name!r} is not a notify queue; the queues are: {known}")


@click.group()
def seed() -> None:
    """Seed configuration records (the runbook's seed scripts)."""


@seed.command("menu")
@click.option(
    "--tenant",
    "tenant_ids",
    multiple=True,
    help="tenantId or metaWabaId (repeatable; default: every tenant)",
)
@click.option(
    "--file",
    "menu_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a menu JSON object instead of the default main menu",
)
@click.pass_obj
def seed_menu(connection: Connection, tenant_ids: tuple[str, ...], menu_file: Path | None) -> None:
    """Store the main menu of each tenant (update_menu_config through the action Lambda)."""
    menu = _menu_from(menu_file) if menu_file else DEFAULT_MENU
    tenants = [_tenant(t) for t in tenant_ids] or list(load_settings().tenants)
    for tenant in tenants:
        answer = invoke_action(
            connection, {"action": "update_menu_config", "tenantId": tenant.tenant_id, **menu}
        )
        rows = sum(len(section["rows"]) for section in answer["menu"]["sections"])
        click.echo(
            f"{tenant.tenant_id}: menu {answer['menu']['menuId']!r} stored "
            f"({len(answer['menu']['sections'])} sections, {rows} rows)"
        )


def _menu_from(path: Path) -> dict[str, Any]:
    try:
        menu = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise BadInput(f"--file {path} is not a readable JSON menu: {exc}") from exc
    if not isinstance(menu, dict):
        raise BadInput(f"--file {path} must hold a JSON object with sections")
    return menu


def invoke_action(connection: Connection, payload: dict[str, Any]) -> dict[str, Any]:
    """Call the runbook's action Lambda; a refused payload is a BadInput."""
    with aws_errors(connection):
        response = connection.client("lambda").invoke(
            FunctionName=ACTION_FUNCTION, Payload=json.dumps(payload).encode()
        )
    answer = json.loads(response["Payload"].read() or b"{}")
    if response.get("FunctionError"):
        raise ServiceError(
            f"{ACTION_FUNCTION} failed: {answer.get('errorType')}: {answer.get('errorMessage')}"
        )
    if not answer.get("ok"):
        raise BadInput(
            f"{payload['action']} refused: {answer.get('error')}: {answer.get('message')}"
        )
    return dict(answer)
