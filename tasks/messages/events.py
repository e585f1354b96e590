"""Putting a message event on the default EventBridge bus (schema: :mod:`tasks.messages.schema`)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tasks.common.clients import client
from tasks.common.errors import aws_call
from tasks.messages.conversations import iso
from tasks.messages.errors import EventNotPublished
from tasks.messages.schema import (
    DETAIL_TYPES,
    EVENT_SOURCE,
    Customer,
    Direction,
    Message,
    MessageEvent,
    event_id,
)
from tasks.messages.tenants import Tenant


def message_event(
    direction: Direction, tenant: Tenant, customer: Customer, message: Message, at: datetime
) -> MessageEvent:
    """The event of one message of a tenant's conversation, its id derived from the
    message's, so the same message always makes the same event."""
    return MessageEvent(
        eventId=event_id(direction, tenant.tenant_id, message.messageId),
        direction=direction,
        occurredAt=iso(at),
        business=tenant.as_event(),
        customer=customer,
        message=message,
    )


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
