"""Delivery statuses of the messages sent to a customer, as WhatsApp reports them.

Each ``statuses[]`` entry of a ``messages`` change (accepted, sent, delivered, read,
failed, deleted, warning) is kept on one record per message in the customer's
conversation: ``PK=CONV#{tenantId}#{+number}``, ``SK=STATUS#{wamid}``. The record holds
the time of each status seen (``sentAt``, ``deliveredAt``...) and the furthest status
reached; statuses can arrive out of order (a ``read`` before its ``delivered``), and a
later, lesser one does not move the status back. ``failed`` keeps Meta's errors.

Statuses name Meta's ``wamid``. SendWhatsAppMessage answers with its own ``messageId``
and AWS does not document how the two map, so the records are listed per customer
rather than joined to the stored outbound messages.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from tasks.common.clients import table
from tasks.common.errors import aws_call, error_code
from tasks.common.masking import mask_phone
from tasks.common.records import query_all
from tasks.messages.content import e164
from tasks.messages.conversations import conversation_key, iso
from tasks.messages.tenants import Tenant

logger = Logger(service="messages")

# How far along a message is; a status not listed (``warning``) is timed, not ranked.
PROGRESS = {"accepted": 1, "sent": 2, "delivered": 3, "read": 4, "failed": 5, "deleted": 6}
STATUS_PREFIX = "STATUS#"


def record_statuses(tenant: Tenant, statuses: list[dict[str, Any]]) -> int:
    """Keep each status on its message's record; returns how many were kept."""
    kept = 0
    for status in statuses:
        wamid, name = str(status.get("id") or ""), str(status.get("status") or "").lower()
        number = e164(str(status.get("recipient_id") or ""))
        if not (wamid and name.isidentifier() and number):
            logger.warning("Delivery status without id, status or recipient", extra={
                "status": name[:20]})
            continue
        _record(tenant, number, wamid, name, _moment(status.get("timestamp")), status)
        kept += 1
    return kept


def _moment(timestamp: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError):
        return datetime.now(UTC)


def _errors(status: dict[str, Any]) -> list[str]:
    """Meta's errors of a failed message, one line each: code, title and details."""
    lines = []
    for error in status.get("errors") or []:
        details = (error.get("error_data") or {}).get("details") or error.get("message") or ""
        lines.append(" ".join(str(p) for p in (error.get("code"), error.get("title")) if p)
                     + (f": {details}" if details else ""))
    return lines


def _record(
    tenant: Tenant, number: str, wamid: str, name: str, at: datetime, status: dict[str, Any]
) -> None:
    key = {"PK": conversation_key(tenant.tenant_id, number), "SK": f"{STATUS_PREFIX}{wamid}"}
    values: dict[str, Any] = {
        ":at": iso(at),
        ":record": "DeliveryStatus",
        ":tenant": tenant.tenant_id,
        ":number": number,
        ":wamid": wamid,
    }
    update = ("SET #seen = if_not_exists(#seen, :at), recordType = :record, "
              "tenantId = :tenant, customerNumber = :number, messageId = :wamid")
    errors = _errors(status)
    if errors:
        update += ", errors = :errors"
        values[":errors"] = errors
    with aws_call("DynamoDB UpdateItem delivery status"):
        table().update_item(
            Key=key,
            UpdateExpression=update,
            ExpressionAttributeNames={"#seen": f"{name}At"},
            ExpressionAttributeValues=values,
        )
    rank = PROGRESS.get(name)
    if rank is None:
        return
    try:
        with aws_call("DynamoDB UpdateItem delivery status"):
            table().update_item(
                Key=key,
                UpdateExpression="SET #status = :status, statusRank = :rank, statusAt = :at",
                ConditionExpression="attribute_not_exists(statusRank) OR statusRank < :rank",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":status": name, ":rank": rank, ":at": iso(at)},
            )
    except ClientError as exc:
        if error_code(exc) != "ConditionalCheckFailedException":
            raise
        return  # a further status was already recorded
    log = logger.warning if name == "failed" else logger.debug
    log("Delivery status", extra={"status": name, "messageId": wamid,
                                  "customer": mask_phone(number), "errors": errors})


def delivery_statuses(tenant: Tenant, number: str, limit: int) -> list[dict[str, Any]]:
    """The latest ``limit`` status records of messages sent to one customer, newest first."""
    records = query_all(
        "delivery statuses",
        KeyConditionExpression=Key("PK").eq(conversation_key(tenant.tenant_id, number))
        & Key("SK").begins_with(STATUS_PREFIX),
    )
    records.sort(key=lambda r: str(r.get("statusAt") or ""), reverse=True)
    return records[:limit]
