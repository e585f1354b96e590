"""Inbound WhatsApp messages from the WABA's event destination (``field == "messages"``).

For each message of the change: find the tenant by the entry's Meta WABA id, copy any
media into the media bucket, store the message in the customer's conversation (which
moves the 24-hour window on), publish the inbound message event, and send the welcome
reply when it is due. Everything is safe to repeat: SNS may deliver an entry twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger

from tasks.common.masking import mask_phone
from tasks.common.tenants import UnknownTenant
from tasks.messages.content import e164, message_content
from tasks.messages.conversations import record_message
from tasks.messages.delivery_statuses import record_statuses
from tasks.messages.errors import MessageRefused
from tasks.messages.events import message_event, publish
from tasks.messages.media import store_inbound_media
from tasks.messages.schema import Customer
from tasks.messages.tenants import Tenant, find_tenant
from tasks.messages.welcome import welcome_if_due
from tasks.waba_events.router import WabaChange, on_field

logger = Logger(service="messages")


@on_field("messages")
def on_messages(change: WabaChange) -> dict[str, Any]:
    value = change.value
    raw_statuses = value.get("statuses") or []
    if not value.get("messages") and not raw_statuses:
        return {"messages": [], "statuses": 0}
    try:
        tenant = find_tenant(change.meta_waba_id)
    except UnknownTenant:
        logger.warning("Messages for an unknown WABA", extra={"metaWabaId": change.meta_waba_id})
        return {"messages": [], "statuses": 0, "unknownWaba": change.meta_waba_id}
    statuses = record_statuses(tenant, raw_statuses)

    names = {
        str(contact.get("wa_id", "")): str((contact.get("profile") or {}).get("name", ""))
        for contact in value.get("contacts") or []
    }
    received = [receive(tenant, raw, names) for raw in value.get("messages") or []]
    return {"tenantId": tenant.tenant_id, "messages": received, "statuses": statuses}


def receive(tenant: Tenant, raw: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    sender = str(raw.get("from", ""))
    customer = Customer(number=e164(sender), name=names.get(sender, ""))
    message = message_content(raw)
    message.media = [store_inbound_media(tenant, media) for media in message.media]
    now = datetime.now(UTC)
    at = datetime.fromtimestamp(int(raw["timestamp"]), UTC) if raw.get("timestamp") else now
    event = message_event("inbound", tenant, customer, message, at)
    inbound_event_id = event.eventId
    logger.append_keys(tenant=tenant.tenant_id, customer=mask_phone(customer.number))

    record_message(tenant, customer, message, "inbound", at, inbound_event_id)
    publish(event)
    try:
        welcome = welcome_if_due(tenant, customer, now)
    except MessageRefused as refused:
        logger.warning("Welcome refused by WhatsApp", extra={"error": str(refused)})
        welcome = {"welcomed": False, "reason": "WhatsApp refused the welcome"}
    logger.info(
        "Inbound message stored and published",
        extra={
            "messageType": message.type,
            "eventId": inbound_event_id,
            "welcomed": welcome["welcomed"],
        },
    )
    return {
        "messageId": message.messageId,
        "eventId": inbound_event_id,
        "type": message.type,
        "welcome": welcome,
    }
