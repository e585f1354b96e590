"""The idempotency record of a notification: ``PK=EMAIL#{eventId}``, ``SK=EMAIL``.

Life of a record (kept 7 days by the table's ``ttl``):

* ``IN_PROGRESS``: claimed with a conditional write BEFORE the e-mail is sent, with a
  lease (``leaseExpiresAt``) longer than an execution can live. A second delivery of the
  event while the lease runs gets ``NotificationInProgress`` (retried, never dropped).
  An expired lease (its execution died) may be taken over.
* ``SENT``: written after SES accepted the e-mail; any later delivery is skipped.
* ``FAILED``: the execution gave its claim back; the next delivery claims it again.

Right before sending, the execution renews its lease, conditionally on still holding the
claim; right after SES accepts the e-mail, the same step writes ``SENT``. What is left
is the moment between the two: an execution stalled there for longer than a lease (or
SES accepting the e-mail and every write of ``SENT`` failing) lets a redelivery send the
e-mail again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from tasks.common.clients import table
from tasks.common.errors import aws_call, error_code
from tasks.message_notify.errors import NotificationInProgress

SORT_KEY = "EMAIL"
RETENTION_SECONDS = 7 * 24 * 3600
# Longer than the Express execution's TimeoutSeconds (30) plus a task Lambda's own
# timeout (10): when a lease has expired, the execution that took it is surely gone.
DEFAULT_LEASE_SECONDS = 60
IN_PROGRESS, SENT, FAILED = "IN_PROGRESS", "SENT", "FAILED"


@dataclass(frozen=True)
class Claim:
    status: str  # "CLAIMED" or "ALREADY_SENT"
    token: str = ""


def key(event_id: str) -> dict[str, str]:
    return {"PK": f"EMAIL#{event_id}", "SK": SORT_KEY}


def lease_seconds() -> int:
    return int(os.environ.get("NOTIFY_CLAIM_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def _now() -> tuple[int, str]:
    moment = datetime.now(UTC)
    return int(moment.timestamp()), moment.isoformat()


def facts(message_event: dict[str, Any], token: str) -> dict[str, str]:
    """What the record tells whoever reads the table, besides its status."""
    return {
        "direction": message_event["direction"],
        "tenantId": message_event["business"]["tenantId"],
        "messageId": message_event["message"]["messageId"],
        "executionArn": token,
    }


def _in_progress(
    event_id: str, token: str, about: dict[str, str], epoch: int, at: str
) -> dict[str, Any]:
    """The whole IN_PROGRESS record, its lease from ``epoch``. Claims and renewals write
    whole items: moto evaluates them far faster than update expressions, and the record
    holds nothing worth keeping from before."""
    return {
        **key(event_id),
        **about,
        "recordType": "Notification",
        "status": IN_PROGRESS,
        "claimToken": token,
        "claimedAt": at,
        "leaseExpiresAt": epoch + lease_seconds(),
        "ttl": epoch + RETENTION_SECONDS,
    }


def _put_if(item: dict[str, Any], condition: str, values: dict[str, Any], what: str) -> bool:
    """Put the item if the condition holds; False if it does not."""
    try:
        with aws_call(f"DynamoDB PutItem notification {what}"):
            table().put_item(
                Item=item,
                ConditionExpression=condition,
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=values,
            )
    except ClientError as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def claim(event_id: str, token: str, about: dict[str, str]) -> Claim:
    """Claim the event for this execution, or learn that it was already e-mailed."""
    epoch, at = _now()
    claimed = _put_if(
        _in_progress(event_id, token, about, epoch, at),
        "attribute_not_exists(PK) OR (#status <> :sent AND "
        "(#status <> :in_progress OR leaseExpiresAt < :now))",
        {":sent": SENT, ":in_progress": IN_PROGRESS, ":now": epoch},
        "claim",
    )
    return Claim("CLAIMED", token) if claimed else _claimed_elsewhere(event_id)


def _claimed_elsewhere(event_id: str) -> Claim:
    record = notification(event_id) or {}
    if record.get("status") == SENT:
        return Claim("ALREADY_SENT")
    raise NotificationInProgress(
        f"event {event_id} is being e-mailed by another execution (claimed at "
        f"{record.get('claimedAt', '?')}, lease until {record.get('leaseExpiresAt', '?')}); "
        "this delivery is retried, then redelivered by the queue"
    )


def renew(event_id: str, token: str, about: dict[str, str]) -> bool:
    """Extend this execution's lease just before sending; False if the claim is not ours
    any more (its lease ran out and another execution took it, or it was recorded)."""
    epoch, at = _now()
    return _put_if(
        _in_progress(event_id, token, about, epoch, at),
        "claimToken = :token AND #status = :in_progress",
        {":token": token, ":in_progress": IN_PROGRESS},
        "lease",
    )


def notification(event_id: str) -> dict[str, Any] | None:
    with aws_call("DynamoDB GetItem notification"):
        return table().get_item(Key=key(event_id), ConsistentRead=True).get("Item")


def mark_sent(event_id: str, token: str, sent: dict[str, Any]) -> bool:
    """Record the e-mail as sent; False if the claim was no longer this execution's.

    ``sent``: sesMessageId, subject, to, and the record's :func:`facts`.
    """
    epoch, at = _now()
    with aws_call("DynamoDB PutItem notification sent"):
        previous = table().put_item(
            Item={
                **key(event_id),
                "recordType": "Notification",
                "status": SENT,
                "sentAt": at,
                "sesMessageId": sent["sesMessageId"],
                "subject": sent["subject"],
                "recipients": sent["to"],
                "direction": sent["direction"],
                "tenantId": sent["tenantId"],
                "messageId": sent["messageId"],
                "executionArn": sent["executionArn"],
                "ttl": epoch + RETENTION_SECONDS,
            },
            ReturnValues="ALL_OLD",
        )
    return previous.get("Attributes", {}).get("claimToken") == token


def record_sent(
    event_id: str, token: str, message_event: dict[str, Any], email: dict[str, Any], ses_id: str
) -> bool:
    """:func:`mark_sent` from the workflow's state: the event, the e-mail, SES's id."""
    about = facts(message_event, token)
    sent = {"sesMessageId": ses_id, "subject": email["subject"], "to": email["to"], **about}
    return mark_sent(event_id, token, sent)


def give_back(event_id: str, token: str, error: str, cause: str) -> bool:
    """Release this execution's claim after a failure; False if it was not ours (any more)."""
    _, at = _now()
    try:
        with aws_call("DynamoDB UpdateItem notification failed"):
            table().update_item(
                Key=key(event_id),
                UpdateExpression=(
                    "SET #status = :failed, lastError = :error, lastCause = :cause, "
                    "failedAt = :at REMOVE leaseExpiresAt, claimToken"
                ),
                ConditionExpression="claimToken = :token AND #status = :in_progress",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":failed": FAILED,
                    ":in_progress": IN_PROGRESS,
                    ":error": error,
                    ":cause": cause[:2000],
                    ":at": at,
                    ":token": token,
                },
            )
    except ClientError as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            return False
        raise
    return True
