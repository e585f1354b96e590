"""The verdict mailbox: where a waiting submission and Meta's answer meet.

One item per template, ``PK=TEMPLATE#{metaTemplateId}``, ``SK=VERDICT``, ``waitState``
WAITING or RESOLVED. The submission's wait task registers its task token there; the
status event and the poll each try to resolve it with a conditional write, so exactly
one of them wins and only the winner sends the token. A verdict that arrives while no
token is registered (between two polling rounds) stays in the mailbox, and the next
round's registration finds it and settles its own token at once.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from tasks.common.clients import client, table
from tasks.common.errors import aws_call, error_code
from tasks.templates.cache import now, plain

WAITING = "WAITING"
RESOLVED = "RESOLVED"
WAITING_STATUSES = frozenset({"PENDING", "IN_APPEAL"})
MAILBOX_DAYS = 14
LATE_TOKEN_ERRORS = ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist")


@dataclass(frozen=True)
class Verdict:
    """What Meta decided about one template, and who learned it first (the fields are
    the JSON the workflow carries, named as the API names them)."""

    metaTemplateId: str
    templateStatus: str
    reason: str | None = None
    recommendation: str | None = None
    templateName: str = ""
    language: str = ""
    source: str = ""
    decidedAt: str = field(default_factory=now)

    @property
    def error(self) -> str | None:
        """The ASL error a rejection ends in (None when approved)."""
        if self.templateStatus == "APPROVED":
            return None
        return "TemplateRejected" if self.templateStatus == "REJECTED" else "TemplateNotApproved"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def as_item(self) -> dict[str, Any]:
        """The verdict as the mailbox keeps it: ``verdictStatus``, not ``templateStatus``, so
        mailboxes stay out of the ``TemplatesByStatus`` index of the cache."""
        values = {name: value for name, value in self.as_json().items() if value is not None}
        values["verdictStatus"] = values.pop("templateStatus")
        return values

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Verdict:
        values = {**item, "templateStatus": item.get("verdictStatus")}
        return cls(**{name: values[name] for name in cls.__dataclass_fields__
                      if values.get(name) is not None})


def is_verdict(status: str) -> bool:
    """Whether a status ends the review (anything but PENDING or IN_APPEAL)."""
    return status not in WAITING_STATUSES


def key(meta_template_id: str) -> dict[str, str]:
    return {"PK": f"TEMPLATE#{meta_template_id}", "SK": "VERDICT"}


def open_mailbox(
    meta_template_id: str, template: dict[str, Any], execution_arn: str,
    verdict: Verdict | None, replace: bool = False,
) -> None:
    """The mailbox of a template just submitted: WAITING, or RESOLVED if its status is
    already final. A mailbox an early status event opened is kept, unless ``replace``.

    TODO: two executions waiting on the same template (the same submission started twice
    at once) share one mailbox, and the latest round's token replaces the other's; the
    other one then learns the verdict from its next poll instead of from the event."""
    item: dict[str, Any] = {
        **key(meta_template_id),
        "recordType": "TemplateVerdict",
        "metaTemplateId": meta_template_id,
        "templateName": template["name"],
        "language": template["language"],
        "executionArn": execution_arn,
        "openedAt": now(),
        "ttl": int(time.time()) + MAILBOX_DAYS * 86400,
        "waitState": WAITING,
    }
    if verdict is not None:
        item.update({**verdict.as_item(), "waitState": RESOLVED})
    params: dict[str, Any] = {"Item": item}
    if not replace:
        params["ConditionExpression"] = "attribute_not_exists(PK)"
    _write(lambda: table().put_item(**params))


def register_waiter(
    meta_template_id: str, task_token: str, execution_arn: str, round_number: int
) -> Verdict | None:
    """Leave the task token in the mailbox; a verdict already there is returned instead."""
    stored = _write(lambda: table().update_item(
        Key=key(meta_template_id),
        UpdateExpression="SET taskToken = :token, waitingExecution = :execution, "
        "waitRound = :round, registeredAt = :at",
        ConditionExpression="waitState = :waiting",
        ExpressionAttributeValues={
            ":token": task_token, ":execution": execution_arn, ":round": round_number,
            ":at": now(), ":waiting": WAITING,
        },
    ))
    if stored:
        return None
    item = table().get_item(Key=key(meta_template_id), ConsistentRead=True).get("Item")
    if item is not None:
        return Verdict.from_item(plain(item))
    # No mailbox (it expired, or was never opened): open one holding this token.
    _write(lambda: table().put_item(Item={
        **key(meta_template_id), "recordType": "TemplateVerdict",
        "metaTemplateId": meta_template_id, "waitState": WAITING, "taskToken": task_token,
        "waitingExecution": execution_arn, "waitRound": round_number, "openedAt": now(),
        "ttl": int(time.time()) + MAILBOX_DAYS * 86400,
    }))
    return None


def resolve(verdict: Verdict) -> tuple[bool, str | None]:
    """Record ``verdict`` if nobody did before, and take the waiting task token out of the
    mailbox. Returns (won, that token). A verdict for a template nobody submitted through
    the workflow opens a mailbox too (so one that overtakes the create step is kept); it
    expires with its ``ttl``."""
    values = verdict.as_item()
    names = {f"#{name}": name for name in values} | {"#ttl": "ttl"}
    assignments = ", ".join(f"#{name} = :{name}" for name in values)
    try:
        with aws_call("DynamoDB UpdateItem"):
            response = table().update_item(
                Key=key(verdict.metaTemplateId),
                UpdateExpression=f"SET {assignments}, waitState = :resolved, "
                "#ttl = if_not_exists(#ttl, :ttl) REMOVE taskToken",
                ConditionExpression="attribute_not_exists(waitState) OR waitState = :waiting",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={f":{n}": v for n, v in values.items()}
                | {":resolved": RESOLVED, ":waiting": WAITING,
                   ":ttl": int(time.time()) + MAILBOX_DAYS * 86400},
                ReturnValues="ALL_OLD",
            )
    except ClientError as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            return False, None
        raise
    return True, response.get("Attributes", {}).get("taskToken")


def settle(task_token: str, verdict: Verdict) -> str:
    """Send the verdict to a waiting task: success if APPROVED, else its own error.
    Returns ``sent``, or ``late`` when the token had already timed out or ended."""
    sfn = client("stepfunctions")
    try:
        with aws_call("Step Functions SendTask"):
            if verdict.error is None:
                sfn.send_task_success(taskToken=task_token, output=json.dumps(verdict.as_json()))
            else:
                sfn.send_task_failure(
                    taskToken=task_token, error=verdict.error, cause=json.dumps(verdict.as_json())
                )
    except ClientError as exc:
        if error_code(exc) in LATE_TOKEN_ERRORS:
            return "late"
        raise
    return "sent"


def _write(write: Any) -> bool:
    """Run one conditional write; False when its condition failed."""
    try:
        with aws_call("DynamoDB"):
            write()
    except ClientError as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            return False
        raise
    return True
