"""Message events: what the notifier needs to know about one WhatsApp message.

An event goes on the default EventBridge bus with ``source=wecare.flows`` and the
detail-type of its direction (:mod:`tasks.messages.events` puts it there); a rule routes
it to the inbound or outbound notify queue, and the ``message-notify`` workflow turns it
into one e-mail. ``eventId`` is derived from the message id, so the same message
published twice is the same event (and one e-mail). This module is the schema alone, so
that reading an event needs no permission to publish one.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

# The same values as workflows.resources (EVENT_SOURCE and the NOTIFY_QUEUES' detail
# types); tasks cannot import workflows, so a unit test keeps the two equal.
EVENT_SOURCE = "wecare.flows"
DETAIL_TYPES = {"inbound": "WhatsApp Message Received", "outbound": "WhatsApp Message Sent"}
EVENT_ID_NAMESPACE = uuid.UUID("5b0f3c52-8f0e-4c61-9d55-0d8f3a9e4a10")

Direction = Literal["inbound", "outbound"]


class Media(BaseModel):
    """A photo, video, voice note, document or sticker, kept in the media bucket."""

    kind: str
    mimeType: str = ""
    fileName: str = ""
    mediaId: str = ""
    bucket: str = ""
    key: str = ""
    error: str = ""


class Detail(BaseModel):
    """A labelled line of what a message holds besides text (a location, a reply...)."""

    label: str
    value: str


class Message(BaseModel):
    messageId: str = Field(min_length=1)
    type: str = Field(min_length=1)
    text: str = ""
    caption: str = ""
    media: list[Media] = Field(default_factory=list)
    details: list[Detail] = Field(default_factory=list)
    supported: bool = True


class Business(BaseModel):
    tenantId: str = Field(min_length=1)
    displayName: str = ""
    metaWabaId: str = ""
    wabaId: str = ""
    phoneNumber: str = ""
    phoneNumberId: str = ""


class Customer(BaseModel):
    number: str = Field(min_length=1)
    name: str = ""


class MessageEvent(BaseModel):
    """The ``detail`` of a message event (schema version 1)."""

    schemaVersion: Literal[1] = 1
    eventId: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._:-]+$")
    direction: Direction
    occurredAt: str
    business: Business
    customer: Customer
    message: Message


def event_id(direction: Direction, tenant_id: str, message_id: str) -> str:
    """The same message always gives the same event id."""
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, f"{direction}:{tenant_id}:{message_id}"))
