"""Step 5: record how the request ended: APPLIED, REJECTED, EXPIRED, SUPERSEDED or FAILED.

Applied: the request records who applied it, when and with what comment, and the
profile becomes the last applied one (the base of the next diff). Every other way
closes the request's open approvals so their links stop working. Returns the outcome
the notification, the execution's output and its final ``Fail`` state use.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from tasks.common.errors import caught_message
from tasks.profile_apply import records
from tasks.profile_apply.errors import (
    ApprovalExpired,
    ProfileChangeRejected,
    ProfileChangeSuperseded,
)
from tasks.profile_apply.records import (
    APPLIED,
    CLOSED,
    EXPIRED,
    FAILED,
    REJECTED,
    SUPERSEDED,
)

logger = Logger(service="profile-apply")

APPROVAL_STATUS_AFTER = {APPLIED: CLOSED, REJECTED: CLOSED, EXPIRED: EXPIRED,
                         SUPERSEDED: SUPERSEDED, FAILED: CLOSED}
ERROR_NAMES = {REJECTED: ProfileChangeRejected.__name__, EXPIRED: ApprovalExpired.__name__,
               SUPERSEDED: ProfileChangeSuperseded.__name__}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outcome, state = event["outcome"], event.get("state") or {}
    execution_arn = event.get("executionArn", "")
    logger.append_keys(execution=execution_arn, outcome=outcome)
    request = _stored_request(state)
    if request is None:
        return _unstored_outcome(outcome, state, execution_arn)
    logger.append_keys(tenant=request["tenantId"], version=int(request["version"]))

    fields = _closing_fields(outcome, request, state)
    request = _close_request(request, outcome, fields)
    if outcome == APPLIED:
        _remember_applied_profile(request)
    records.close_approvals(request, APPROVAL_STATUS_AFTER[outcome])
    logger.info("Recorded the outcome", extra={"status": request["status"]})
    return _result(request, fields)


def _stored_request(state: dict[str, Any]) -> dict[str, Any] | None:
    request, stored = state.get("request"), state.get("stored")
    if not request or not stored:
        return None
    return records.get_request(request["tenantId"], request["phoneNumberId"],
                               int(stored["version"]))


def _closing_fields(outcome: str, request: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    details = records.plain(request.get("decisionDetails") or {})
    if outcome == APPLIED:
        decision = state.get("decision") or {}
        return {"decidedBy": decision.get("appliedBy") or details.get("approver", ""),
                "decidedAt": decision.get("decidedAt") or details.get("decidedAt", ""),
                "comment": decision.get("comment", details.get("comment", ""))}
    if outcome == REJECTED:
        return {"decidedBy": details.get("approver", ""), "decidedAt": details.get("decidedAt", ""),
                "reason": details.get("reason") or caught_message(state.get("error"))}
    if outcome == FAILED:
        error = state.get("error") or {}
        return {"error": error.get("Error", "States.Runtime"), "cause": caught_message(error)}
    return {}


def _close_request(request: dict[str, Any], outcome: str, fields: dict[str, Any]) -> dict[str, Any]:
    closed = records.close_request(request, outcome, fields)
    if closed.get("status") != outcome:
        # Already ended another way (superseded while the decision travelled): keep that.
        logger.warning("Request had already ended", extra={"status": closed.get("status")})
    return closed


def _remember_applied_profile(request: dict[str, Any]) -> None:
    """The last applied profile: the one before, with this request's fields on top."""
    if request["status"] != APPLIED:
        return
    tenant_id, phone_number_id = request["tenantId"], request["phoneNumberId"]
    before = records.last_applied(tenant_id, phone_number_id)
    profile = {**(records.plain(before["profile"]) if before else {}),
               **records.plain(request["profile"])}
    try:
        records.call_table(
            "put_item",
            Item={
                "PK": records.profile_pk(tenant_id),
                "SK": records.phone_sk(phone_number_id, "APPLIED"),
                "recordType": "AppliedProfile",
                "tenantId": tenant_id,
                "phoneNumberId": phone_number_id,
                "version": int(request["version"]),
                "profile": profile,
                "appliedAt": request.get("decidedAt") or request["closedAt"],
                "appliedBy": request.get("decidedBy", ""),
            },
            ConditionExpression="attribute_not_exists(PK) OR version < :version",
            ExpressionAttributeValues={":version": int(request["version"])},
        )
    except ClientError as exc:
        if not records.is_condition_failure(exc):
            raise
        logger.warning("A newer version is already applied; the applied profile stays")


def _result(request: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    status = request["status"]
    view = records.public(request)
    result = {
        "status": status,
        **{key: view.get(key) for key in (
            "tenantId", "tenantName", "metaWabaId", "wabaId", "phoneNumberId", "version",
            "requestedBy", "requestedAt", "closedAt", "executionArn", "profile", "diff",
            "approvers", "supersededBy", "decidedBy", "decidedAt", "comment", "reason",
        ) if view.get(key) not in (None, "")},
    }
    if status in ERROR_NAMES:
        result["error"] = ERROR_NAMES[status]
        result["cause"] = _cause(result)
    elif status == FAILED:
        result["error"] = fields.get("error") or view.get("error", "States.Runtime")
        result["cause"] = fields.get("cause") or view.get("cause", "")
    return result


def _cause(result: dict[str, Any]) -> str:
    version = result["version"]
    if result["status"] == REJECTED:
        who, reason = result.get("decidedBy", "?"), result.get("reason", "")
        return f"{who} rejected version {version}: {reason}"
    if result["status"] == EXPIRED:
        return f"version {version} had no decision before its deadline"
    return f"version {version} was superseded by version {result.get('supersededBy', '?')}"


def _unstored_outcome(outcome: str, state: dict[str, Any], execution_arn: str) -> dict[str, Any]:
    """An end before the request was stored: nothing to record, only to report."""
    error = state.get("error") or {}
    request = state.get("request") or {}
    status = SUPERSEDED if outcome == SUPERSEDED else FAILED
    return {
        "status": status,
        "tenantId": request.get("tenantId") or state.get("tenantId") or state.get("metaWabaId", ""),
        "tenantName": request.get("tenantName") or state.get("tenantId", "(unknown tenant)"),
        "phoneNumberId": request.get("phoneNumberId") or state.get("phoneNumberId", ""),
        "version": 0,
        "executionArn": execution_arn,
        "approvers": request.get("approvers", []),
        "error": ERROR_NAMES.get(status) or error.get("Error", "States.Runtime"),
        "cause": caught_message(error),
    }
