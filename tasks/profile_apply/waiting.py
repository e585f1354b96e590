"""The task token of a waiting request: stored on the request, replaced at each wait."""

from __future__ import annotations

from typing import Any, NoReturn

from botocore.exceptions import ClientError

from tasks.profile_apply import records
from tasks.profile_apply.errors import ProfileChangeSuperseded, RequestNotWaiting
from tasks.profile_apply.records import PENDING_APPLY, SUPERSEDED


def raise_not_waiting(request: dict[str, Any] | None, version: int) -> NoReturn:
    """Raise why a request can no longer wait for approvers."""
    if request is not None and request["status"] == SUPERSEDED:
        raise ProfileChangeSuperseded(
            f"version {version} was superseded by version {request.get('supersededBy')} "
            "of the same phone number"
        )
    status = request["status"] if request else "missing"
    raise RequestNotWaiting(f"request version {version} is {status}, not {PENDING_APPLY}")


def replace_token(request: dict[str, Any], task_token: str, **fields: Any) -> dict[str, Any]:
    """Store the waiting state's new token (and ``fields``) while the request still waits.

    Returns the request as stored afterwards.

    Raises
    ------
    ProfileChangeSuperseded, RequestNotWaiting
        When the request no longer waits.
    """
    names = ", ".join(f"#{name} = :{name}" for name in fields)
    try:
        response = records.call_table(
            "update_item",
            Key=records.request_key(request),
            UpdateExpression="SET taskToken = :token" + (f", {names}" if names else ""),
            ConditionExpression="#status = :waiting",
            ExpressionAttributeNames={"#status": "status", **{f"#{n}": n for n in fields}},
            ExpressionAttributeValues={
                ":token": task_token, ":waiting": PENDING_APPLY,
                **{f":{name}": value for name, value in fields.items()},
            },
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if not records.is_condition_failure(exc):
            raise
        raise_not_waiting(records.stored_now(request), int(request["version"]))
    return response["Attributes"]
