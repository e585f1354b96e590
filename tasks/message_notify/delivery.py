"""What reaches the workflow: how an event was delivered, and the event inside.

On AWS an EventBridge Pipe reads the notify queue and starts the Express execution
synchronously with a JSON ARRAY of SQS records (even for a batch of one); the pipe is
set to batch size 1. Each record's ``body`` is the EventBridge event the rule put on
the queue. An execution started by hand may instead get the EventBridge event, or only
its ``detail``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tasks.message_notify.errors import InvalidNotificationEvent


@dataclass(frozen=True)
class Delivery:
    detail: dict[str, Any]
    source: str  # "sqs", "eventbridge" or "direct"
    receive_count: int | None = None  # SQS ApproximateReceiveCount, when from a queue
    queue: str = ""  # the notify queue's name, when from a queue


def unwrap(payload: Any) -> Delivery:
    if isinstance(payload, list):
        return _from_sqs_records(payload)
    if isinstance(payload, dict) and isinstance(payload.get("detail"), dict):
        return Delivery(payload["detail"], "eventbridge")
    if isinstance(payload, dict) and "eventId" in payload:
        return Delivery(payload, "direct")
    raise InvalidNotificationEvent(
        "the input is neither SQS records from the notify queue, an EventBridge event, "
        "nor a message event (an object with eventId)"
    )


def _from_sqs_records(records: list[Any]) -> Delivery:
    if len(records) != 1 or not isinstance(records[0], dict):
        raise InvalidNotificationEvent(
            f"the pipe delivered {len(records)} records; message-notify takes one message "
            "per execution (set the pipe's batch size to 1)"
        )
    record = records[0]
    body = record.get("body")
    try:
        event = json.loads(body) if isinstance(body, str) else body
    except ValueError as exc:
        raise InvalidNotificationEvent(f"the queue message body is not JSON: {exc}") from exc
    if not isinstance(event, dict):
        raise InvalidNotificationEvent("the queue message body is not a JSON object")
    attributes = record.get("attributes") or {}
    count = int(attributes.get("ApproximateReceiveCount") or 1)
    detail = event.get("detail") if isinstance(event.get("detail"), dict) else event
    queue = str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1]
    return Delivery(detail, "sqs", count, queue)
