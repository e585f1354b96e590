"""A stand-in for the messaging operations of End User Messaging Social
(``socialmessaging``): ``SendWhatsAppMessage`` and ``GetWhatsAppMessageMedia``.

Same routes (SigV4 signing name ``social-messaging``), shapes and errors as the real
API: an unknown phone number id is ``ResourceNotFoundException``, a message that is not
Meta's message JSON is ``ValidationException``, and throttling (``ThrottledRequest
Exception``, 429) can be asked for. Sent messages are kept for a test or a person to
read (``sent``). Media "held by Meta" are the samples of
:mod:`workflows.message_samples` plus any a test adds; fetching one writes it into the
S3 bucket named in the request, under the key prefix given, as the real service does.
The template operations have their own stand-in (``social_messaging.py``).
"""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3

from workflows.local.standins import ApiError, ApiRequest, ApiResponse, StandIn
from workflows.message_samples import SAMPLE_MEDIA, SampleMedia
from workflows.settings import Tenant

PHONE_NUMBER_ID = re.compile(r"^(phone-number-id-[0-9a-f]+|arn:.*:phone-number-id/[0-9a-zA-Z]+)$")
MEDIA_ID = re.compile(r"^[A-Za-z0-9]{1,100}$")
MAX_MESSAGE_BYTES = 2_048_000


@dataclass(frozen=True)
class SentWhatsAppMessage:
    message_id: str
    origination_phone_number_id: str
    meta_api_version: str
    message: dict[str, Any]
    sent_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def to(self) -> str:
        return str(self.message.get("to", ""))

    @property
    def type(self) -> str:
        return str(self.message.get("type", ""))


class WhatsAppMessagesStandIn(StandIn):
    signing_name = "social-messaging"
    routes = (
        ("POST", r"/v1/whatsapp/send", "send_whatsapp_message"),
        ("POST", r"/v1/whatsapp/media/get", "get_whatsapp_message_media"),
    )

    def __init__(self, tenants: tuple[Tenant, ...], region: str) -> None:
        self.region = region
        self.phone_number_ids = {tenant.phone_number_id for tenant in tenants}
        self.sent: list[SentWhatsAppMessage] = []
        self.media: dict[str, SampleMedia] = {m.media_id: m for m in SAMPLE_MEDIA.values()}
        self.failures: dict[str, list[ApiError]] = {}
        self._lock = threading.Lock()

    # -- what tests set ---------------------------------------------------------------

    def add_media(self, media: SampleMedia) -> None:
        self.media[media.media_id] = media

    def throttle(self, operation: str, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``operation`` with ``ThrottledRequestException``."""
        error = ApiError(429, "ThrottledRequestException", "Rate exceeded")
        self.fail(operation, *([error] * times))

    def fail(self, operation: str, *errors: ApiError) -> None:
        """Answer the next calls of ``operation`` (e.g. ``SendWhatsAppMessage``) with these."""
        with self._lock:
            self.failures.setdefault(operation, []).extend(errors)

    def sent_to(self, number: str) -> list[SentWhatsAppMessage]:
        with self._lock:
            return [message for message in self.sent if message.to == number]

    # -- the API ------------------------------------------------------------------------

    def send_whatsapp_message(self, request: ApiRequest) -> ApiResponse:
        self._maybe_fail("SendWhatsAppMessage")
        body = request.json()
        origination = self._phone_number_id(body.get("originationPhoneNumberId"))
        version = body.get("metaApiVersion")
        if not isinstance(version, str) or not version:
            raise _validation("metaApiVersion is required, such as v20.0")
        message = _meta_message(body.get("message"))
        sent = SentWhatsAppMessage(str(uuid.uuid4()), origination, version, message)
        with self._lock:
            self.sent.append(sent)
        return ApiResponse(200, {"messageId": sent.message_id})

    def get_whatsapp_message_media(self, request: ApiRequest) -> ApiResponse:
        self._maybe_fail("GetWhatsAppMessageMedia")
        body = request.json()
        self._phone_number_id(body.get("originationPhoneNumberId"))
        media_id = body.get("mediaId")
        if not isinstance(media_id, str) or not MEDIA_ID.match(media_id):
            raise _validation("mediaId must be 1 to 100 letters or digits")
        media = self.media.get(media_id)
        if media is None:
            raise ApiError(
                404,
                "ResourceNotFoundException",
                f"Media {media_id} not found (Meta keeps received media for 7 days)",
            )
        destination = body.get("destinationS3File")
        if not body.get("metadataOnly"):
            if not isinstance(destination, dict) or not destination.get("bucketName"):
                raise _validation("give destinationS3File or destinationS3PresignedUrl")
            extension = mimetypes.guess_extension(media.mime_type) or f".{media.extension}"
            boto3.client("s3", region_name=self.region).put_object(
                Bucket=destination["bucketName"],
                Key=f"{destination.get('key', '')}{media_id}{extension}",
                Body=media.body,
                ContentType=media.mime_type,
            )
        size_kb = max(1, len(media.body) // 1024)
        return ApiResponse(200, {"mimeType": media.mime_type, "fileSize": size_kb})

    # -- checks ---------------------------------------------------------------------------

    def _maybe_fail(self, operation: str) -> None:
        with self._lock:
            pending = self.failures.get(operation)
            error = pending.pop(0) if pending else None
        if error is not None:
            raise error

    def _phone_number_id(self, value: Any) -> str:
        if not isinstance(value, str) or not PHONE_NUMBER_ID.match(value):
            raise _validation(
                "originationPhoneNumberId must be phone-number-id-<32 hex> or its ARN"
            )
        known = (
            value
            if value.startswith("phone-number-id-")
            else ("phone-number-id-" + value.rsplit("/", 1)[-1])
        )
        if known not in self.phone_number_ids:
            raise ApiError(404, "ResourceNotFoundException", f"Phone number id {value} not found")
        return known


def _validation(message: str) -> ApiError:
    return ApiError(400, "ValidationException", message)


def _meta_message(blob: Any) -> dict[str, Any]:
    """The ``message`` blob: base64 on the wire (boto3 encodes it), Meta's JSON inside."""
    if not isinstance(blob, str) or not blob:
        raise _validation("message is required")
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _validation("message must be base64-encoded bytes") from exc
    if len(raw) > MAX_MESSAGE_BYTES:
        raise _validation(f"message has {len(raw)} bytes; the limit is {MAX_MESSAGE_BYTES}")
    try:
        message = json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, "InvalidParametersException", f"message is not JSON: {exc}") from exc
    if not isinstance(message, dict) or message.get("messaging_product") != "whatsapp":
        raise ApiError(
            400, "InvalidParametersException", "message needs messaging_product: whatsapp"
        )
    kind = message.get("type", "text")
    if not message.get("to") or kind not in message:
        raise ApiError(
            400, "InvalidParametersException", f"message needs 'to' and a '{kind}' object"
        )
    return message


class WhatsAppMessagesFeature:
    """Plugs the stand-in into a runtime (``FEATURE_FACTORIES``)."""

    def __init__(self) -> None:
        self.stand_in: WhatsAppMessagesStandIn | None = None

    def start(self, runtime: Any) -> None:
        self.stand_in = WhatsAppMessagesStandIn(runtime.settings.tenants, runtime.region)
        runtime.stand_ins.stand_ins.append(self.stand_in)

    def stop(self, runtime: Any) -> None:
        if self.stand_in in runtime.stand_ins.stand_ins:
            runtime.stand_ins.stand_ins.remove(self.stand_in)
        self.stand_in = None


def whatsapp_messages(runtime: Any) -> WhatsAppMessagesStandIn:
    """The runtime's WhatsApp messaging stand-in (tests read ``sent`` and set failures)."""
    for stand_in in runtime.stand_ins.stand_ins:
        if isinstance(stand_in, WhatsAppMessagesStandIn):
            return stand_in
    raise LookupError("the WhatsApp messages stand-in is not plugged into this runtime")
