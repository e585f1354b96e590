"""Putting a message event on the default EventBridge bus (schema: :mod:`tasks.messages.schema`)."""

from __future__ import annotations

import json
from typing import Any

from tasks.common.clients import client
from tasks.common.errors import aws_call
from tasks.messages.errors import EventNotPublished
from tasks.messages.schema import DETAIL_TYPES, EVENT_SOURCE, MessageEvent


def publish(event: MessageEvent) -> str:
    """Put the event on the default bus; returns EventBridge's id for it."""
    with aws_call("EventBridge PutEvents"):
        response = client("events").put_events(
            Entries=[
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": DETAIL_TYPES[event.direction],
                    "Detail": json.dumps(event.model_dump(), ensure_ascii=False),
                }
            ]
        )
    entry: dict[str, Any] = response["Entries"][0]
    if response.get("FailedEntryCount") or "EventId" not in entry:
        raise EventNotPublished(
            f"EventBridge refused message event {event.eventId}: "
            f"{entry.get('ErrorCode', '')} {entry.get('ErrorMessage', '')}".strip()
        )
    return str(entry["EventId"])
