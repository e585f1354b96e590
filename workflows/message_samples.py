"""Sample WhatsApp messages and message events, for ``wecare-flows send-test-event``, the
local stand-ins, the tests and the benchmark.

Two shapes:

* a WABA webhook entry as End User Messaging Social publishes it to the WABA's SNS
  topic (``whatsAppWebhookEntry`` is a JSON STRING holding one Meta entry);
* a message event (the ``detail`` the inbound handler and ``send_text`` put on
  EventBridge), which is what the message-notify workflow e-mails. Its schema is
  ``tasks.messages.schema.MessageEvent``; this module only builds examples of it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from workflows.settings import Tenant

MESSAGE_TYPES = (
    "text",
    "image",
    "video",
    "audio",
    "document",
    "sticker",
    "location",
    "contacts",
    "interactive",
    "button",
    "reaction",
    "unknown",
)
DEFAULT_CUSTOMER = "+919876543210"
DEFAULT_CUSTOMER_NAME = "Test Customer"


@dataclass(frozen=True)
class SampleMedia:
    media_id: str
    mime_type: str
    file_name: str
    body: bytes

    @property
    def extension(self) -> str:
        return self.file_name.rsplit(".", 1)[-1]


# Meta media ids are digits; the local WhatsApp stand-in knows these.
SAMPLE_MEDIA = {
    "image": SampleMedia("1046000000000001", "image/jpeg", "photo.jpg", b"\xff\xd8\xff\xe0JFIF"),
    "video": SampleMedia("1046000000000002", "video/mp4", "clip.mp4", b"\x00\x00\x00\x18ftyp"),
    "audio": SampleMedia("1046000000000003", "audio/ogg", "voice.ogg", b"OggS\x00\x02"),
    "document": SampleMedia(
        "1046000000000004", "application/pdf", "invoice.pdf", b"%PDF-1.4\n%sample\n"
    ),
    "sticker": SampleMedia("1046000000000005", "image/webp", "sticker.webp", b"RIFF\x00WEBP"),
}


def wamid() -> str:
    return f"wamid.{uuid.uuid4().hex.upper()}"


def meta_message(
    kind: str,
    sender: str = DEFAULT_CUSTOMER,
    text: str = "Hello from the test customer",
    message_id: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """An inbound message as Meta's webhook carries it (``value.messages[]``)."""
    message: dict[str, Any] = {
        "from": sender.lstrip("+"),
        "id": message_id or wamid(),
        "timestamp": str(int((at or datetime.now(UTC)).timestamp())),
        "type": kind,
    }
    media = SAMPLE_MEDIA.get(kind)
    if kind == "text":
        message["text"] = {"body": text}
    elif media is not None:
        body: dict[str, Any] = {
            "id": media.media_id,
            "mime_type": media.mime_type,
            "sha256": "c2FtcGxl",
        }
        if kind in ("image", "video", "document"):
            body["caption"] = text
        if kind == "document":
            body["filename"] = media.file_name
        if kind == "audio":
            body["voice"] = True
        message[kind] = body
    elif kind == "location":
        message["location"] = {
            "latitude": 22.5726,
            "longitude": 88.3639,
            "name": "WECARE office",
            "address": "Kolkata, India",
        }
    elif kind == "contacts":
        message["contacts"] = [
            {
                "name": {"formatted_name": "Asha Rao", "first_name": "Asha"},
                "phones": [{"phone": "+91 98300 00000", "type": "CELL"}],
            }
        ]
    elif kind == "interactive":
        message["interactive"] = {
            "type": "list_reply",
            "list_reply": {
                "id": "book_trip",
                "title": "Book a trip",
                "description": "Flights and hotels",
            },
        }
    elif kind == "button":
        message["button"] = {"text": "Yes, confirm", "payload": "CONFIRM_ORDER"}
    elif kind == "reaction":
        message["reaction"] = {"message_id": wamid(), "emoji": "\N{THUMBS UP SIGN}"}
    else:
        message["type"] = "unsupported" if kind == "unknown" else kind
        message["errors"] = [{"code": 131051, "title": "Message type unknown"}]
    return message


def waba_notification(
    tenant: Tenant,
    messages: list[dict[str, Any]],
    name: str = DEFAULT_CUSTOMER_NAME,
    account_id: str = "123456789012",
    statuses: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The SNS message End User Messaging Social publishes for inbound messages (and for
    ``statuses`` of messages sent: one change may carry both)."""
    senders = {m["from"] for m in messages}
    entry = {
        "id": tenant.meta_waba_id,
        "changes": [
            {
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {
                        "display_phone_number": tenant.phone_number.lstrip("+"),
                        "phone_number_id": "1060000000000001",
                    },
                    "contacts": [{"profile": {"name": name}, "wa_id": s} for s in senders],
                    "messages": messages,
                    **({"statuses": statuses} if statuses else {}),
                },
            }
        ],
    }
    arn_prefix = f"arn:aws:social-messaging:ap-south-1:{account_id}"
    return {
        "context": {
            "MetaWabaIds": [
                {
                    "wabaId": tenant.meta_waba_id,
                    "arn": f"{arn_prefix}:waba/{tenant.waba_id.removeprefix('waba-')}",
                }
            ],
            "MetaPhoneNumberIds": [
                {
                    "metaPhoneNumberId": "1060000000000001",
                    "arn": f"{arn_prefix}:phone-number-id/"
                    f"{tenant.phone_number_id.removeprefix('phone-number-id-')}",
                }
            ],
        },
        "whatsAppWebhookEntry": json.dumps(entry),
        "aws_account_id": account_id,
        "message_timestamp": datetime.now(UTC).isoformat(),
        "messageId": str(uuid.uuid4()),
    }


def delivery_status(
    wamid_: str, customer: str, status: str, at: int, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """One ``statuses[]`` entry of a ``messages`` change, as Meta reports a sent message."""
    entry: dict[str, Any] = {
        "id": wamid_,
        "status": status,
        "timestamp": str(at),
        "recipient_id": customer.lstrip("+"),
    }
    if errors:
        entry["errors"] = errors
    return entry


def message_event(
    direction: str,
    tenant: Tenant,
    kind: str = "text",
    customer: str = DEFAULT_CUSTOMER,
    name: str = DEFAULT_CUSTOMER_NAME,
    text: str = "Hello from the test customer",
    event_id: str | None = None,
    media_bucket: str = "",
    media_key: str = "",
) -> dict[str, Any]:
    """A message event (EventBridge ``detail``), as the project publishes one."""
    media = SAMPLE_MEDIA.get(kind)
    message: dict[str, Any] = {
        "messageId": wamid() if direction == "inbound" else str(uuid.uuid4()),
        "type": kind,
    }
    if media is not None:
        message["caption"] = text if kind in ("image", "video", "document") else ""
        message["media"] = [
            {
                "kind": kind,
                "mimeType": media.mime_type,
                "fileName": media.file_name if kind == "document" else "",
                "mediaId": media.media_id,
                "bucket": media_bucket,
                "key": media_key,
            }
        ]
    elif kind == "location":
        message["details"] = [{"label": "Location", "value": "22.5726, 88.3639"}]
    elif kind in ("contacts", "interactive", "button", "reaction"):
        message["details"] = [{"label": kind.capitalize(), "value": text}]
    elif kind != "text":
        message["supported"] = False
        message["details"] = [{"label": "Note", "value": f"message type {kind!r} is not shown"}]
    if kind == "text":
        message["text"] = text
    return {
        "schemaVersion": 1,
        "eventId": event_id or str(uuid.uuid4()),
        "direction": direction,
        "occurredAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "business": {
            "tenantId": tenant.tenant_id,
            "displayName": tenant.display_name,
            "metaWabaId": tenant.meta_waba_id,
            "wabaId": tenant.waba_id,
            "phoneNumber": tenant.phone_number,
            "phoneNumberId": tenant.phone_number_id,
        },
        "customer": {"number": customer, "name": name if direction == "inbound" else ""},
        "message": message,
    }
