"""Sending a message to a customer, and what follows a send: the message is stored in the
conversation and an outbound event is published, so the team gets its e-mail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger

from tasks.common.retries import attempts
from tasks.messages.conversations import record_message
from tasks.messages.events import message_event, publish
from tasks.messages.schema import Customer, Message, MessageEvent
from tasks.messages.tenants import Tenant
from tasks.messages.whatsapp import send_whatsapp_message

logger = Logger(service="messages")
PUBLISH_ATTEMPTS = 3
PUBLISH_BACKOFF_SECONDS = 0.2


def send_to_customer(
    tenant: Tenant, customer: Customer, payload: dict[str, Any], shown: Message
) -> dict[str, Any]:
    """Send ``payload``; ``shown`` is the message as the e-mail shows it (no id yet).

    A failure to send raises. Once WhatsApp has accepted the message nothing raises any
    more (a retry by the caller would send it twice): a failure to store it or to publish
    its event is logged and reported as ``recorded``/``notified`` false.
    """
    message_id = send_whatsapp_message(tenant, customer.number, payload)
    now = datetime.now(UTC)
    message = shown.model_copy(update={"messageId": message_id})
    event = message_event("outbound", tenant, customer, message, now)
    outbound_event_id = event.eventId
    result: dict[str, Any] = {
        "messageId": message_id,
        "eventId": outbound_event_id,
        "recorded": True,
        "notified": True,
    }
    try:
        record_message(tenant, customer, message, "outbound", now, outbound_event_id)
    except Exception as exc:  # the message is already sent: report, do not raise
        logger.error(
            "Sent message not recorded",
            extra={"messageId": message_id, "error": type(exc).__name__},
        )
        result["recorded"] = False
    if not _publish_after_send(event):
        result["notified"] = False
    return result


def _publish_after_send(event: MessageEvent) -> bool:
    """Publish the event of a message WhatsApp has accepted, trying a few times: the
    notifier's claim on ``eventId`` makes a repeated event harmless, a lost one is not."""
    for attempt in attempts(PUBLISH_ATTEMPTS, PUBLISH_BACKOFF_SECONDS):
        try:
            publish(event)
            return True
        except Exception as exc:  # the message is already sent: report, do not raise
            logger.warning(
                "Outbound event not published",
                extra={"messageId": event.message.messageId, "attempt": attempt,
                       "error": type(exc).__name__},
            )
    # TODO: an event still unpublished here means no e-mail for this message; publishing
    # from the table's stream (a transactional outbox) would close the gap.
    logger.error("Outbound event lost: no e-mail", extra={"messageId": event.message.messageId})
    return False
