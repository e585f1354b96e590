"""Sending a WhatsApp message through End User Messaging Social (``socialmessaging``).

The message is Meta's message JSON, passed to boto3 as bytes (boto3 base64-encodes the
blob itself). "Success" only means the message was queued; delivery comes later as a
status on the WABA's event destination.
"""

from __future__ import annotations

import json
import os
from typing import Any

from botocore.exceptions import ClientError

from tasks.common.clients import client
from tasks.common.errors import aws_call, error_code
from tasks.common.masking import mask_phone
from tasks.messages.errors import MessageRefused
from tasks.messages.tenants import Tenant

DEFAULT_META_API_VERSION = "v20.0"


def send_whatsapp_message(tenant: Tenant, to: str, payload: dict[str, Any]) -> str:
    """Send ``payload`` (``type`` and its body) to ``to`` (+E.164); returns the messageId."""
    message = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    message.update(payload)
    try:
        with aws_call("socialmessaging SendWhatsAppMessage"):
            response = client("socialmessaging").send_whatsapp_message(
                originationPhoneNumberId=tenant.phone_number_id,
                message=json.dumps(message, ensure_ascii=False).encode("utf-8"),
                metaApiVersion=os.environ.get("META_API_VERSION", DEFAULT_META_API_VERSION),
            )
    except ClientError as exc:
        reason = exc.response.get("Error", {}).get("Message", "")
        raise MessageRefused(
            f"WhatsApp refused the {payload.get('type', '')} message to {mask_phone(to)} "
            f"from {tenant.tenant_id} ({error_code(exc)}: {reason})"
        ) from exc
    return str(response["messageId"])
