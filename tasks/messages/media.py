"""Copying an inbound message's media from WhatsApp into the media bucket.

Meta's media ids expire after 7 days, so media is copied when the message arrives:
``GetWhatsAppMessageMedia`` writes it under a key PREFIX (``inbound/{tenantId}/``) with
a name End User Messaging Social chooses from the media id; the object is then found by
listing that prefix. Media that cannot be fetched is kept as an error on the message,
which is still stored and notified.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from tasks.common.clients import client
from tasks.common.environment import setting
from tasks.common.errors import aws_call, error_code
from tasks.messages.schema import Media
from tasks.messages.tenants import Tenant


def store_inbound_media(tenant: Tenant, media: Media) -> Media:
    """The media with ``bucket``/``key`` set, or with ``error`` saying why not."""
    if not media.mediaId:
        return media.model_copy(update={"error": "the message carried no media id"})
    bucket = setting("MEDIA_BUCKET_NAME")
    prefix = f"inbound/{tenant.tenant_id}/"
    try:
        with aws_call("socialmessaging GetWhatsAppMessageMedia"):
            fetched = client("socialmessaging").get_whatsapp_message_media(
                mediaId=media.mediaId,
                originationPhoneNumberId=tenant.phone_number_id,
                destinationS3File={"bucketName": bucket, "key": prefix},
            )
    except ClientError as exc:
        message = exc.response.get("Error", {}).get("Message", "")
        return media.model_copy(
            update={"error": f"WhatsApp did not give the media ({error_code(exc)}: {message})"}
        )

    with aws_call("S3 ListObjectsV2 media"):
        listed = client("s3").list_objects_v2(Bucket=bucket, Prefix=f"{prefix}{media.mediaId}")
    keys = [item["Key"] for item in listed.get("Contents", [])]
    if not keys:
        return media.model_copy(update={"error": "the media was fetched but not found in S3"})
    return media.model_copy(
        update={
            "bucket": bucket,
            "key": keys[0],
            "mimeType": media.mimeType or str(fetched.get("mimeType", "")),
        }
    )
