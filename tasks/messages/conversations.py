"""A tenant's conversations: every message, and one summary per customer.

* message: ``PK=CONV#{tenantId}#{+number}``, ``SK=MSG#{time}#{messageId}``; writing it
  again (a redelivered webhook) changes nothing;
* summary: ``PK=TENANT#{tenantId}``, ``SK=CONV#{+number}`` with the last inbound and
  outbound times. The last inbound time is what WhatsApp's 24-hour customer-service
  window is judged by (there is no API to ask); ``lastWelcomedEpoch`` paces the welcome.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from tasks.common.clients import table
from tasks.common.errors import aws_call, error_code
from tasks.messages.schema import Customer, Direction, Message
from tasks.messages.tenants import Tenant

CUSTOMER_SERVICE_WINDOW_SECONDS = 24 * 3600


def iso(moment: datetime) -> str:
    """One fixed format, so that text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def conversation_key(tenant_id: str, number: str) -> str:
    return f"CONV#{tenant_id}#{number}"


def record_message(
    tenant: Tenant,
    customer: Customer,
    message: Message,
    direction: Direction,
    at: datetime,
    event_id: str,
) -> None:
    """Store the message and move the conversation's last inbound/outbound time on."""
    with aws_call("DynamoDB PutItem message"):
        table().put_item(
            Item={
                "PK": conversation_key(tenant.tenant_id, customer.number),
                "SK": f"MSG#{iso(at)}#{message.messageId}",
                "recordType": "Message",
                "tenantId": tenant.tenant_id,
                "customerNumber": customer.number,
                "direction": direction,
                "at": iso(at),
                "eventId": event_id,
                **message.model_dump(),
            }
        )
    _touch_summary(tenant, customer, message, direction, at)


def _touch_summary(
    tenant: Tenant, customer: Customer, message: Message, direction: Direction, at: datetime
) -> None:
    side = "Inbound" if direction == "inbound" else "Outbound"
    names = {"#epoch": f"last{side}Epoch"}
    values: dict[str, Any] = {
        ":number": customer.number,
        ":at": iso(at),
        ":epoch": int(at.timestamp()),
        ":type": message.type,
        ":id": message.messageId,
        ":tenant": tenant.tenant_id,
    }
    update = (
        f"SET customerNumber = :number, tenantId = :tenant, recordType = :record, "
        f"last{side}At = :at, #epoch = :epoch, last{side}Type = :type, "
        f"last{side}MessageId = :id"
    )
    values[":record"] = "Conversation"
    if customer.name:
        update += ", customerName = :name"
        values[":name"] = customer.name
    try:
        with aws_call("DynamoDB UpdateItem conversation"):
            table().update_item(
                Key={"PK": tenant.key, "SK": f"CONV#{customer.number}"},
                UpdateExpression=update,
                ConditionExpression="attribute_not_exists(#epoch) OR #epoch <= :epoch",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
    except ClientError as exc:
        if error_code(exc) != "ConditionalCheckFailedException":
            raise
        # An older message arrived after a newer one: the summary already is newer.


def conversation(tenant: Tenant, number: str) -> dict[str, Any] | None:
    with aws_call("DynamoDB GetItem conversation"):
        found = table().get_item(
            Key={"PK": tenant.key, "SK": f"CONV#{number}"}, ConsistentRead=True
        )
    return found.get("Item")


def window_open(summary: dict[str, Any] | None, now: datetime) -> bool:
    """Is the 24-hour customer-service window open (a message from them within 24 h)?"""
    if not summary or "lastInboundEpoch" not in summary:
        return False
    return now.timestamp() - int(summary["lastInboundEpoch"]) < CUSTOMER_SERVICE_WINDOW_SECONDS


def conversations(tenant: Tenant, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {
        "KeyConditionExpression": Key("PK").eq(tenant.key) & Key("SK").begins_with("CONV#")
    }
    while len(items) < limit:
        with aws_call("DynamoDB Query conversations"):
            page = table().query(**params)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            break
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    items.sort(key=_last_activity, reverse=True)
    return items[:limit]


def _last_activity(summary: dict[str, Any]) -> int:
    return max(int(summary.get("lastInboundEpoch", 0)), int(summary.get("lastOutboundEpoch", 0)))


def messages(tenant: Tenant, number: str, limit: int) -> list[dict[str, Any]]:
    """The latest ``limit`` messages with one customer, oldest first."""
    with aws_call("DynamoDB Query messages"):
        page = table().query(
            KeyConditionExpression=Key("PK").eq(conversation_key(tenant.tenant_id, number))
            & Key("SK").begins_with("MSG#"),
            ScanIndexForward=False,
            Limit=limit,
        )
    return list(reversed(page.get("Items", [])))


def claim_welcome(tenant: Tenant, number: str, now: datetime, cooldown_hours: float) -> bool:
    """Mark the customer welcomed now, unless they were within the cooldown (atomic)."""
    epoch = int(now.timestamp())
    try:
        with aws_call("DynamoDB UpdateItem welcome"):
            table().update_item(
                Key={"PK": tenant.key, "SK": f"CONV#{number}"},
                UpdateExpression="SET lastWelcomedEpoch = :now, lastWelcomedAt = :at",
                ConditionExpression=(
                    "attribute_not_exists(lastWelcomedEpoch) OR lastWelcomedEpoch <= :cutoff"
                ),
                ExpressionAttributeValues={
                    ":now": epoch,
                    ":at": iso(now),
                    ":cutoff": epoch - int(cooldown_hours * 3600),
                },
            )
    except ClientError as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def release_welcome(tenant: Tenant, number: str, now: datetime) -> None:
    """Undo :func:`claim_welcome` after the welcome could not be sent."""
    try:
        with aws_call("DynamoDB UpdateItem welcome"):
            table().update_item(
                Key={"PK": tenant.key, "SK": f"CONV#{number}"},
                UpdateExpression="REMOVE lastWelcomedEpoch, lastWelcomedAt",
                ConditionExpression="lastWelcomedEpoch = :now",
                ExpressionAttributeValues={":now": int(now.timestamp())},
            )
    except ClientError as exc:
        if error_code(exc) != "ConditionalCheckFailedException":
            raise
