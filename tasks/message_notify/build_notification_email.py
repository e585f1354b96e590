"""Build the runbook's e-mail for a message event, with presigned links to its media."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.clients import media_link_signer
from tasks.common.environment import setting
from tasks.message_notify.email_format import (
    LINK_LIFETIME_SECONDS,
    MediaLink,
    notification_email,
)
from tasks.messages.schema import Media, MessageEvent

logger = Logger(service="message-notify")
RECIPIENTS_SETTING = {"inbound": "INBOUND_NOTIFY_TO", "outbound": "OUTBOUND_NOTIFY_TO"}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    message_event = MessageEvent.model_validate(event["event"])
    logger.append_keys(eventId=message_event.eventId, tenant=message_event.business.tenantId)
    to = recipients(message_event.direction)
    links = [media_link(media) for media in message_event.message.media]
    email = notification_email(message_event, links, to)
    logger.info("Built notification", extra={"mediaLinks": sum(1 for link in links if link.url)})
    return email.as_dict()


def recipients(direction: str) -> list[str]:
    """``INBOUND_NOTIFY_TO`` / ``OUTBOUND_NOTIFY_TO``: one address or several, comma-separated."""
    raw = setting(RECIPIENTS_SETTING[direction])
    return [address.strip() for address in raw.split(",") if address.strip()]


def media_link(media: Media) -> MediaLink:
    """A presigned GET link (no call to S3 is made: the link is signed locally)."""
    if not (media.bucket and media.key):
        return MediaLink(media, "")
    url = media_link_signer().generate_presigned_url(
        "get_object",
        Params={"Bucket": media.bucket, "Key": media.key},
        ExpiresIn=LINK_LIFETIME_SECONDS,
    )
    return MediaLink(media, url)
