"""Deciding an approval: the one code path of the approval page, the CLI and the actions.

A decision is recorded first, with conditional writes that let an approval be decided
once, and only while its request waits; then, when it settles the request (enough
approvals, or one rejection), it is delivered to the waiting execution:
``SendTaskSuccess`` for an applied change, ``SendTaskFailure`` with the error
``ProfileChangeRejected`` for a rejection. A decision that arrives after the execution
ended is taken back and refused, so a late link changes nothing.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Literal

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from tasks.common.clients import client
from tasks.common.errors import aws_call, error_code
from tasks.profile_apply import records
from tasks.profile_apply.errors import (
    ApprovalAlreadyUsed,
    ApprovalClosed,
    ApprovalLate,
    ApprovalNotFound,
    ApprovalSuperseded,
    LinkExpired,
    NotTheApprover,
    ProfileChangeRejected,
    ReasonRequired,
)
from tasks.profile_apply.records import (
    APPLIED,
    APPROVED,
    CLOSED,
    EXPIRED,
    FAILED,
    PENDING,
    PENDING_APPLY,
    REJECTED,
    STOPPED,
    SUPERSEDED,
)

logger = Logger(service="profile-apply", child=True)

# SendTask* answers for a token whose task is over (or never was).
DEAD_TOKEN_CODES = ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist")
# How long a decider waits for a token being replaced (the reminder step) before leaving
# the delivery to that step.
DELIVERY_ATTEMPTS = 6
DELIVERY_PAUSE_SECONDS = 0.5
MAX_TEXT = 1000

Verdict = Literal["APPLIED", "REJECTED"]
CHANNEL_WORDS = {"link": " on the approval page", "cli": " at a terminal",
                 "action": " through the action Lambda"}


@dataclass(frozen=True)
class OpenApproval:
    """An approval that may still be decided, and the request it belongs to."""

    approval: dict[str, Any]
    request: dict[str, Any]


@dataclass(frozen=True)
class Decision:
    """One approver's decision. From a link, the link names the approval and so the approver;
    from the CLI or an action, ``approver`` (an e-mail) or ``identity`` (an AWS ARN) must
    be the approval's approver."""

    approval_id: str
    verdict: Verdict
    approver: str
    text: str
    channel: Literal["link", "cli", "action"]
    source_address: str
    identity: str = ""


@dataclass(frozen=True)
class DecisionOutcome:
    verdict: Verdict
    approval: dict[str, Any]
    request: dict[str, Any]
    approvals_received: int
    approvals_required: int
    delivered: bool

    @property
    def settled(self) -> bool:
        return self.verdict == REJECTED or self.approvals_received >= self.approvals_required

    def as_json(self) -> dict[str, Any]:
        return {
            "decision": self.verdict,
            "approvalId": self.approval["approvalId"],
            "approver": self.approval["approver"],
            "tenantId": self.request["tenantId"],
            "phoneNumberId": self.request["phoneNumberId"],
            "version": self.request["version"],
            "executionArn": self.request.get("executionArn", ""),
            "approvalsReceived": self.approvals_received,
            "approvalsRequired": self.approvals_required,
            "settled": self.settled,
            "delivered": self.delivered,
        }


def open_approval(approval_id: str) -> OpenApproval:
    """The approval and its request, if the approval may still be decided.

    Raises
    ------
    DecisionRefused
        The subclass says why not: not found, already used, superseded, expired, decided
        by others, or late (the execution is no longer running).
    """
    approval = records.get_approval(approval_id) if approval_id else None
    if approval is None:
        raise ApprovalNotFound(f"no approval has the id {approval_id!r}")
    request = records.get_request(
        approval["tenantId"], approval["phoneNumberId"], int(approval["version"])
    )
    if request is None:
        raise ApprovalNotFound(f"approval {approval_id} names a request that does not exist")
    _refuse_if_decided(approval, request)
    if not _execution_running(request.get("executionArn", "")):
        raise ApprovalLate(
            f"the workflow of version {request['version']} is no longer running; "
            "nothing was changed"
        )
    return OpenApproval(approval, request)


def _refuse_if_decided(approval: dict[str, Any], request: dict[str, Any]) -> None:
    version = request["version"]
    if approval["status"] in (APPROVED, REJECTED):
        word = "marked applied" if approval["status"] == APPROVED else "rejected"
        where = CHANNEL_WORDS.get(approval.get("channel", ""), "")
        raise ApprovalAlreadyUsed(
            f"this approval was already {word} by {approval['approver']} at "
            f"{approval.get('decidedAt', '?')}{where}"
        )
    status = request["status"]
    if status == SUPERSEDED or approval["status"] == SUPERSEDED:
        newer = request.get("supersededBy")
        raise ApprovalSuperseded(
            f"version {version} was superseded by version {newer}; use the links of the newer "
            "request" if newer else f"version {version} was superseded by a newer request"
        )
    if status == EXPIRED or approval["status"] == EXPIRED:
        raise LinkExpired(f"version {version} expired without a decision; nothing was changed")
    if status in (STOPPED, FAILED):
        why = ": ".join(str(p) for p in (request.get("error"), request.get("cause")) if p)
        raise ApprovalLate(
            f"the workflow of version {version} ended {status}"
            f"{f' ({why})' if why else ''} before a decision; nothing was changed"
        )
    if status != PENDING_APPLY or approval["status"] == CLOSED or request.get("decisionSentBy"):
        raise ApprovalClosed(
            f"version {version} is already {request.get('decision') or status}; "
            "your link is no longer needed"
        )


def _execution_running(execution_arn: str) -> bool:
    if not execution_arn:
        return True
    try:
        with aws_call("Step Functions DescribeExecution"):
            described = client("stepfunctions").describe_execution(executionArn=execution_arn)
    except ClientError as exc:
        if error_code(exc) == "ExecutionDoesNotExist":
            return False
        raise
    return described["status"] == "RUNNING"


def approver_matches(approver: str, claimed: str = "", identity: str = "") -> bool:
    """Whether the claimed e-mail, or the AWS identity's session or user name, is ``approver``.

    An IAM Identity Center session is named after the person's e-mail
    (``arn:aws:sts::…:assumed-role/AWSReservedSSO_…/alice@example.com``).
    """
    wanted = approver.strip().lower()
    if identity:
        return identity.rsplit("/", 1)[-1].strip().lower() == wanted
    return claimed.strip().lower() == wanted


def decide(decision: Decision) -> DecisionOutcome:
    """Record one approver's decision and, if it settles the request, deliver it.

    Raises
    ------
    DecisionRefused
        Why the decision was refused; nothing was changed.
    """
    opened = open_approval(decision.approval_id)
    approval, request = opened.approval, opened.request
    bound_by_link = decision.channel == "link"
    if not bound_by_link and not approver_matches(
        approval["approver"], decision.approver, decision.identity
    ):
        who = decision.identity or decision.approver or "(nobody)"
        raise NotTheApprover(f"approval {decision.approval_id} is {approval['approver']}'s; "
                             f"{who} cannot decide it")
    text = decision.text.strip()[:MAX_TEXT]
    if decision.verdict == REJECTED and not text:
        raise ReasonRequired("say why the change is rejected; the requester reads the reason")

    decided_at = records.now_iso()
    details = {
        "approvalId": approval["approvalId"],
        "approver": approval["approver"],
        "decidedAt": decided_at,
        "channel": decision.channel,
        "sourceAddress": decision.source_address,
        "identity": decision.identity,
        ("reason" if decision.verdict == REJECTED else "comment"): text,
    }
    logger.append_keys(approvalId=approval["approvalId"], tenant=request["tenantId"],
                       version=int(request["version"]), execution=request.get("executionArn"))
    try:
        records.transact(_decision_writes(decision.verdict, approval, request, details))
    except ClientError as exc:
        if not records.is_condition_failure(exc):
            raise
        open_approval(decision.approval_id)  # raises the refusal that now applies
        raise ApprovalClosed("another decision settled this request first") from exc
    logger.info("Decision recorded", extra={"decision": decision.verdict,
                                            "channel": decision.channel})

    settles = decision.verdict == REJECTED or _claim_delivery(request, details)
    request = records.stored_now(request) or request
    delivered = settles and _deliver_or_take_back(request, approval, details)
    approval = records.get_approval(approval["approvalId"]) or approval
    return DecisionOutcome(
        verdict=decision.verdict,
        approval=records.public(approval),
        request=records.public(request),
        approvals_received=int(request.get("approvalsReceived", 0)),
        approvals_required=int(request["approvalsRequired"]),
        delivered=delivered,
    )


def _decision_writes(
    verdict: Verdict, approval: dict[str, Any], request: dict[str, Any], details: dict[str, Any]
) -> list[dict[str, Any]]:
    """The approval, the request and the audit record, written together or not at all."""
    approval_update = {
        "Update": {
            "Key": records.approval_key(approval["approvalId"]),
            "UpdateExpression": "SET #status = :status, decision = :verdict, decidedAt = :at, "
            "channel = :channel, sourceAddress = :source, #identity = :identity, note = :note",
            "ConditionExpression": "#status = :pending",
            "ExpressionAttributeNames": {"#status": "status", "#identity": "identity"},
            "ExpressionAttributeValues": {
                ":status": APPROVED if verdict == APPLIED else REJECTED,
                ":verdict": verdict,
                ":at": details["decidedAt"],
                ":channel": details["channel"],
                ":source": details["sourceAddress"],
                ":identity": details["identity"],
                ":note": details.get("comment") or details.get("reason") or "",
                ":pending": PENDING,
            },
        }
    }
    waiting = "#status = :waiting AND attribute_not_exists(decisionSentBy)"
    if verdict == APPLIED:
        request_update = {
            "UpdateExpression": "ADD approvalsReceived :one SET updatedAt = :at",
            "ExpressionAttributeValues": {":one": 1, ":at": details["decidedAt"],
                                          ":waiting": PENDING_APPLY},
        }
    else:
        request_update = {
            "UpdateExpression": "SET decisionSentBy = :id, decision = :verdict, "
            "decisionDetails = :details, updatedAt = :at",
            "ExpressionAttributeValues": {":id": approval["approvalId"], ":verdict": REJECTED,
                                          ":details": details, ":at": details["decidedAt"],
                                          ":waiting": PENDING_APPLY},
        }
    audit = {
        "PK": records.profile_pk(request["tenantId"]),
        "SK": f"DECISION#{details['decidedAt']}#{approval['approvalId']}",
        "recordType": "ApprovalDecision",
        "decision": verdict,
        "tenantId": request["tenantId"],
        "phoneNumberId": request["phoneNumberId"],
        "version": int(request["version"]),
        "executionArn": request.get("executionArn", ""),
        **details,
    }
    return [
        approval_update,
        {"Update": {"Key": records.request_key(request), "ConditionExpression": waiting,
                    "ExpressionAttributeNames": {"#status": "status"}, **request_update}},
        {"Put": {"Item": audit, "ConditionExpression": "attribute_not_exists(PK)"}},
    ]


def _claim_delivery(request: dict[str, Any], details: dict[str, Any]) -> bool:
    """Whether this approval is the one that completes the count (only one can be)."""
    try:
        records.call_table(
            "update_item",
            Key=records.request_key(request),
            UpdateExpression="SET decisionSentBy = :id, decision = :verdict, "
            "decisionDetails = :details",
            ConditionExpression="approvalsReceived >= approvalsRequired AND #status = :waiting "
            "AND attribute_not_exists(decisionSentBy)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":id": details["approvalId"], ":verdict": APPLIED,
                                       ":details": details, ":waiting": PENDING_APPLY},
        )
    except ClientError as exc:
        if records.is_condition_failure(exc):
            return False
        raise
    return True


def deliver(request: dict[str, Any]) -> bool:
    """Send the request's settled decision to its execution with the current task token.

    Returns False when the token's task is over (timed out, or the execution ended).
    """
    token = request.get("taskToken")
    if not token or not request.get("decision"):
        return False
    sfn = client("stepfunctions")
    try:
        with aws_call("Step Functions SendTask*"):
            if request["decision"] == APPLIED:
                sfn.send_task_success(taskToken=token, output=json.dumps(applied_output(request)))
            else:
                sfn.send_task_failure(taskToken=token, error=ProfileChangeRejected.__name__,
                                      cause=rejection_cause(request))
    except ClientError as exc:
        code = error_code(exc)
        if code in DEAD_TOKEN_CODES:
            logger.info("The waiting task is over", extra={"code": code})
            return False
        raise
    logger.info("Decision delivered", extra={"decision": request["decision"]})
    return True


def applied_output(request: dict[str, Any]) -> dict[str, Any]:
    """The output of the approval wait: who approved, when, from where, with what comment."""
    details = records.plain(request.get("decisionDetails") or {})
    approvals = [
        {
            "approvalId": a["approvalId"],
            "approver": a["approver"],
            "decidedAt": a.get("decidedAt", ""),
            "comment": a.get("note", ""),
            "channel": a.get("channel", ""),
            "sourceAddress": a.get("sourceAddress", ""),
        }
        for a in records.approvals_of(request)
        if a["status"] == APPROVED
    ]
    # Who and what first: the execution's timeline shows the start of this output.
    return {
        "decision": APPLIED,
        "appliedBy": details.get("approver", ""),
        "comment": details.get("comment", ""),
        "decidedAt": details.get("decidedAt", ""),
        "version": int(request["version"]),
        "approvals": approvals,
    }


def rejection_cause(request: dict[str, Any]) -> str:
    """``SendTaskFailure``'s cause: a sentence for the timeline, and the decision's details."""
    details = records.plain(request.get("decisionDetails") or {})
    sentence = (f"{details.get('approver', '?')} rejected version {request['version']}: "
                f"{details.get('reason', '')}")
    return json.dumps({"errorMessage": sentence, "decision": details})


def _deliver_or_take_back(
    request: dict[str, Any], approval: dict[str, Any], details: dict[str, Any]
) -> bool:
    """Deliver the settled decision; if the execution has ended meanwhile, undo it and refuse.

    While the reminder step replaces the task token the old one is dead for a moment:
    wait for the new one; if it does not come, the reminder step delivers the decision
    itself (it sees ``decisionSentBy``).
    """
    for _ in range(DELIVERY_ATTEMPTS):
        if deliver(request):
            return True
        stale_token = request.get("taskToken")
        time.sleep(DELIVERY_PAUSE_SECONDS)
        fresh = records.stored_now(request)
        if fresh is None or fresh["status"] != PENDING_APPLY or not _execution_running(
            fresh.get("executionArn", "")
        ):
            _take_back(request, approval, details)
            raise ApprovalLate(f"the workflow of version {request['version']} ended before the "
                               "decision reached it; nothing was changed")
        if fresh.get("taskToken") == stale_token:
            continue
        request = fresh
    logger.warning("Decision recorded but not delivered; the reminder step will deliver it")
    return False


def _take_back(request: dict[str, Any], approval: dict[str, Any], details: dict[str, Any]) -> None:
    """Undo a recorded decision that could not be delivered (the execution had ended).

    The approval goes back to PENDING while its request still waits, and to CLOSED once
    the request has ended: the request's end (``close_ended_request``) closes only the
    approvals that are PENDING, so a take-back that came second must close its own.
    """
    try:
        _undo_decision(request, approval, details, still_waiting=True)
        return
    except ClientError as exc:
        if not records.is_condition_failure(exc):
            logger.warning("Could not take back an undelivered decision",
                           extra={"code": error_code(exc)})
            return
    try:
        _undo_decision(request, approval, details, still_waiting=False)
    except ClientError as exc:
        logger.warning("Could not take back an undelivered decision",
                       extra={"code": error_code(exc)})


def _undo_decision(
    request: dict[str, Any], approval: dict[str, Any], details: dict[str, Any],
    still_waiting: bool,
) -> None:
    verdict_status = APPROVED if request.get("decision") == APPLIED else REJECTED
    approved = verdict_status == APPROVED
    condition, names = "decisionSentBy = :id", {}
    values: dict[str, Any] = {":id": approval["approvalId"], **({":minus": -1} if approved else {})}
    if still_waiting:
        condition += " AND #status = :waiting"
        names["#status"] = "status"
        values[":waiting"] = PENDING_APPLY
    records.transact(
        [
            {"Update": {
                "Key": records.approval_key(approval["approvalId"]),
                "UpdateExpression": "SET #status = :after REMOVE decision, decidedAt, "
                "channel, sourceAddress, #identity, note",
                "ConditionExpression": "#status = :decided AND decidedAt = :at",
                "ExpressionAttributeNames": {"#status": "status", "#identity": "identity"},
                "ExpressionAttributeValues": {":after": PENDING if still_waiting else CLOSED,
                                              ":decided": verdict_status,
                                              ":at": details["decidedAt"]},
            }},
            {"Update": {
                "Key": records.request_key(request),
                "UpdateExpression": ("ADD approvalsReceived :minus " if approved else "")
                + "REMOVE decisionSentBy, decision, decisionDetails",
                "ConditionExpression": condition,
                **({"ExpressionAttributeNames": names} if names else {}),
                "ExpressionAttributeValues": values,
            }},
            {"Delete": {"Key": {
                "PK": records.profile_pk(request["tenantId"]),
                "SK": f"DECISION#{details['decidedAt']}#{approval['approvalId']}",
            }}},
        ]
    )
