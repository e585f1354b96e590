"""The table records of business-profile requests, their approvals and the decisions.

Keys (one table, scoped by tenant)::

    PK=PROFILE#{tenantId}  SK=PHONE#{phoneNumberId}#STATE             version counter
                           SK=PHONE#{phoneNumberId}#APPLIED           last applied profile
                           SK=PHONE#{phoneNumberId}#VERSION#{000001}  a request (versioned)
                           SK=DECISION#{decidedAt}#{approvalId}       a decision (audit)
    PK=APPROVAL#{approvalId}  SK=APPROVAL                             one approver's approval

The request holds the workflow's current task token (``taskToken``); nothing that
leaves this module for a person (pages, e-mails, action answers, execution output)
carries it: :func:`public` drops it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from tasks.common.clients import table
from tasks.common.environment import setting
from tasks.common.errors import aws_call, error_code
from tasks.common.records import plain, query_all

# Request statuses
PENDING_APPLY = "PENDING_APPLY"
APPLIED = "APPLIED"
REJECTED = "REJECTED"
EXPIRED = "EXPIRED"
SUPERSEDED = "SUPERSEDED"
FAILED = "FAILED"
STOPPED = "STOPPED"  # the execution was stopped by hand or timed out
# Approval statuses (besides APPROVED / REJECTED / EXPIRED / SUPERSEDED)
PENDING = "PENDING"
APPROVED = "APPROVED"
CLOSED = "CLOSED"

SECRET_FIELDS = ("taskToken",)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def profile_pk(tenant_id: str) -> str:
    return f"PROFILE#{tenant_id}"


def phone_sk(phone_number_id: str, suffix: str) -> str:
    return f"PHONE#{phone_number_id}#{suffix}"


def version_key(tenant_id: str, phone_number_id: str, version: int) -> dict[str, str]:
    return {"PK": profile_pk(tenant_id), "SK": phone_sk(phone_number_id, f"VERSION#{version:06d}")}


def approval_key(approval_id: str) -> dict[str, str]:
    return {"PK": f"APPROVAL#{approval_id}", "SK": "APPROVAL"}


def request_key(request: dict[str, Any]) -> dict[str, str]:
    return version_key(request["tenantId"], request["phoneNumberId"], int(request["version"]))



def public(record: dict[str, Any] | None) -> dict[str, Any]:
    """A record as it may be shown: no task token, no keys, plain JSON numbers."""
    if not record:
        return {}
    return plain({k: v for k, v in record.items() if k not in (*SECRET_FIELDS, "PK", "SK")})


def call_table(operation: str, **params: Any) -> dict[str, Any]:
    """One call on the table; a throttled or failing DynamoDB becomes a retryable task error."""
    with aws_call(f"DynamoDB {operation}"):
        return getattr(table(), operation)(**params)


def transact(items: list[dict[str, Any]]) -> None:
    """``TransactWriteItems`` on the table; each item names its action (Put, Update, ...)."""
    name = setting("TABLE_NAME")
    for item in items:
        next(iter(item.values()))["TableName"] = name
    with aws_call("DynamoDB TransactWriteItems"):  # a cancelled transaction passes as is
        table().meta.client.transact_write_items(TransactItems=items)


def is_condition_failure(exc: ClientError) -> bool:
    return error_code(exc) in ("ConditionalCheckFailedException", "TransactionCanceledException")


# -- requests ----------------------------------------------------------------------------------


def next_version(tenant_id: str, phone_number_id: str) -> int:
    response = call_table(
        "update_item",
        Key={"PK": profile_pk(tenant_id), "SK": phone_sk(phone_number_id, "STATE")},
        UpdateExpression="ADD latestVersion :one SET recordType = :type",
        ExpressionAttributeValues={":one": 1, ":type": "ProfileState"},
        ReturnValues="UPDATED_NEW",
    )
    return int(response["Attributes"]["latestVersion"])


def latest_version(tenant_id: str, phone_number_id: str) -> int:
    item = call_table(
        "get_item",
        Key={"PK": profile_pk(tenant_id), "SK": phone_sk(phone_number_id, "STATE")},
        ConsistentRead=True,
    ).get("Item")
    return int(item["latestVersion"]) if item else 0


def get_request(
    tenant_id: str, phone_number_id: str, version: int
) -> dict[str, Any] | None:
    return call_table(
        "get_item", Key=version_key(tenant_id, phone_number_id, version), ConsistentRead=True
    ).get("Item")



def close_request(request: dict[str, Any], outcome: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Set the request's final status once; returns the request as stored after.

    A request that already ended another way (superseded while a decision travelled, or
    closed by a retried call) keeps that end: compare the returned status to ``outcome``.
    """
    values = {f":{name}": value for name, value in fields.items()}
    names = {f"#{name}": name for name in fields}
    assignments = "".join(f", #{name} = :{name}" for name in fields)
    try:
        response = call_table(
            "update_item",
            Key=request_key(request),
            UpdateExpression=f"SET #status = :outcome, closedAt = :now{assignments}",
            ConditionExpression="#status IN (:waiting, :outcome)",
            ExpressionAttributeNames={"#status": "status", **names},
            ExpressionAttributeValues={":outcome": outcome, ":now": now_iso(),
                                       ":waiting": PENDING_APPLY, **values},
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if not is_condition_failure(exc):
            raise
        return stored_now(request) or request
    return response["Attributes"]

def stored_now(request: dict[str, Any]) -> dict[str, Any] | None:
    """The request as the table holds it now (read again after a write raced with it)."""
    return get_request(request["tenantId"], request["phoneNumberId"], int(request["version"]))


def requests_of(tenant_id: str, phone_number_id: str | None = None) -> list[dict[str, Any]]:
    """Every request of a tenant (or of one of its phone numbers), newest first."""
    prefix = phone_sk(phone_number_id, "VERSION#") if phone_number_id else "PHONE#"
    items = query_all(
        "profile requests",
        KeyConditionExpression=Key("PK").eq(profile_pk(tenant_id)) & Key("SK").begins_with(prefix),
        FilterExpression=Attr("recordType").eq("ProfileRequest"),
        ConsistentRead=True,
    )
    return sorted(items, key=lambda item: (item["requestedAt"], int(item["version"])), reverse=True)


def pending_requests(tenant_id: str, phone_number_id: str) -> list[dict[str, Any]]:
    return [r for r in requests_of(tenant_id, phone_number_id) if r["status"] == PENDING_APPLY]


def last_applied(tenant_id: str, phone_number_id: str) -> dict[str, Any] | None:
    return call_table(
        "get_item",
        Key={"PK": profile_pk(tenant_id), "SK": phone_sk(phone_number_id, "APPLIED")},
        ConsistentRead=True,
    ).get("Item")


def decisions_of(tenant_id: str) -> list[dict[str, Any]]:
    """Every recorded decision of a tenant, newest first."""
    items = query_all(
        "profile decisions",
        KeyConditionExpression=Key("PK").eq(profile_pk(tenant_id))
        & Key("SK").begins_with("DECISION#"),
        ScanIndexForward=False,
    )
    return items



# -- approvals ---------------------------------------------------------------------------------


def get_approval(approval_id: str) -> dict[str, Any] | None:
    return call_table("get_item", Key=approval_key(approval_id), ConsistentRead=True).get("Item")


def approvals_of(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The approvals of a request, in the order the approvers are configured."""
    approvals = []
    for approval_id in request.get("approvalIds") or []:
        approval = get_approval(approval_id)
        if approval is not None:
            approvals.append(approval)
    return approvals


def close_approvals(request: dict[str, Any], status: str) -> list[str]:
    """Every approval of the request still PENDING becomes ``status``; returns their ids."""
    closed = []
    for approval_id in request.get("approvalIds") or []:
        try:
            call_table(
                "update_item",
                Key=approval_key(approval_id),
                UpdateExpression="SET #status = :status, closedAt = :now",
                ConditionExpression="#status = :pending",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":status": status, ":pending": PENDING, ":now": now_iso()
                },
            )
            closed.append(approval_id)
        except ClientError as exc:
            if not is_condition_failure(exc):
                raise
    return closed
