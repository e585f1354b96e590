"""Business-profile actions (runbook section 1) and the approval commands of the CLI.

``update_business_profile`` starts the profile-apply workflow;
``get_business_profile_apply_instructions`` returns the pending request's diff and
console steps; ``mark_business_profile_applied`` and ``reject_business_profile_change``
record a decision through the same code as the approval page, with the same checks;
``list_business_profile_approvals`` and ``list_business_profile_decisions`` are the
audit. No answer carries a task token.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.actions.registry import action
from tasks.actions.workflow_starts import start_workflow
from tasks.common.errors import InvalidInput
from tasks.profile_apply import records
from tasks.profile_apply.decisions import Decision, approver_matches, decide
from tasks.profile_apply.emails import deadline_text
from tasks.profile_apply.errors import ApprovalNotFound, NoProfileRequest, NotTheApprover
from tasks.profile_apply.records import PENDING, PENDING_APPLY
from tasks.profile_apply.request_input import profile_request
from tasks.profile_apply.tenants import TenantConfig, find_tenant

WORKFLOW = "profile-apply"
CHANNELS = ("action", "cli")
MAX_ROWS = 200


@action("update_business_profile", "Start the profile-apply workflow for a profile change")
def update_business_profile(payload: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    execution_input = {k: v for k, v in payload.items() if k != "action"}
    request = profile_request(execution_input)  # refuses a bad request before starting
    started = start_workflow(WORKFLOW, execution_input, context)
    return {
        **started,
        "tenantId": request["tenantId"],
        "phoneNumberId": request["phoneNumberId"],
        "fields": sorted(request["profile"]),
        "approvers": request["approvers"],
        "next": "the approvers get an e-mail with the instructions and their links; "
        "get_business_profile_apply_instructions shows them too",
    }


@action("get_business_profile_apply_instructions",
        "The pending profile change: what differs, field by field, and the console steps")
def get_business_profile_apply_instructions(
    payload: dict[str, Any], context: LambdaContext
) -> dict[str, Any]:
    tenant = _tenant(payload)
    request = _request(tenant, payload)
    applied = records.last_applied(tenant.tenant_id, request["phoneNumberId"])
    view = records.public(request)
    return {
        "tenantId": tenant.tenant_id,
        "phoneNumberId": view["phoneNumberId"],
        "version": view["version"],
        "status": view["status"],
        "executionArn": view.get("executionArn", ""),
        "requestedBy": view.get("requestedBy", ""),
        "requestedAt": view["requestedAt"],
        "desiredProfile": view["profile"],
        "lastAppliedProfile": records.plain(applied["profile"]) if applied else None,
        "diff": view.get("diff", []),
        "steps": view.get("steps", []),
        "approvalsRequired": view["approvalsRequired"],
        "approvalsReceived": view.get("approvalsReceived", 0),
        "deadline": deadline_text(view["expiresAt"]) if view.get("expiresAt") else "",
        "approvals": [_approval_row(a) for a in records.approvals_of(request)],
    }


@action("mark_business_profile_applied",
        "Record that the pending profile change was applied (an approver's decision)")
def mark_business_profile_applied(
    payload: dict[str, Any], context: LambdaContext
) -> dict[str, Any]:
    return _decide(payload, context, "APPLIED", str(payload.get("comment") or ""))


@action("reject_business_profile_change",
        "Reject the pending profile change with a reason (an approver's decision)")
def reject_business_profile_change(
    payload: dict[str, Any], context: LambdaContext
) -> dict[str, Any]:
    return _decide(payload, context, "REJECTED", str(payload.get("reason") or ""))


@action("list_business_profile_approvals", "A tenant's profile changes and their approvals")
def list_business_profile_approvals(
    payload: dict[str, Any], context: LambdaContext
) -> dict[str, Any]:
    tenant = _tenant(payload)
    status = payload.get("status")
    rows = []
    for request in records.requests_of(tenant.tenant_id)[:MAX_ROWS]:
        for approval in records.approvals_of(request):
            row = {**_approval_row(approval), "requestStatus": request["status"],
                   "tenantId": tenant.tenant_id, "phoneNumberId": request["phoneNumberId"],
                   "requestedAt": request["requestedAt"],
                   "executionArn": request.get("executionArn", "")}
            if status in (None, "", row["status"], row["requestStatus"]):
                rows.append(row)
    return {"tenantId": tenant.tenant_id, "approvals": rows}


@action("list_business_profile_decisions", "Every recorded approval decision of a tenant")
def list_business_profile_decisions(
    payload: dict[str, Any], context: LambdaContext
) -> dict[str, Any]:
    tenant = _tenant(payload)
    decisions = [records.public(d) for d in records.decisions_of(tenant.tenant_id)[:MAX_ROWS]]
    for decision in decisions:
        decision.pop("recordType", None)
    return {"tenantId": tenant.tenant_id, "decisions": decisions}


def _decide(
    payload: dict[str, Any], context: LambdaContext, verdict: str, text: str
) -> dict[str, Any]:
    # TODO: a Lambda invocation does not tell the function who invoked it, so "approver" and
    # "identity" are taken as given and lambda:InvokeFunction is the real check; an HTTP
    # route with IAM authorization would hand the function the caller's verified ARN.
    channel = payload.get("channel") or "action"
    if channel not in CHANNELS:
        raise InvalidInput(f"channel must be one of {', '.join(CHANNELS)}")
    approver = str(payload.get("approver") or "")
    identity = str(payload.get("identity") or "")
    approval_id = payload.get("approvalId")
    if not approval_id:
        # The runbook's line names only the tenant and phone number: it decides the one open
        # approval, as its approver; invoking this function is the caller's authority.
        found = _only_pending_approval(payload, approver, identity)
        approval_id, approver = found["approvalId"], approver or found["approver"]
    outcome = decide(
        Decision(
            approval_id=str(approval_id),
            verdict=verdict,  # type: ignore[arg-type]
            approver=approver,
            text=text,
            channel=channel,
            source_address=str(payload.get("source") or f"lambda:{context.aws_request_id}"),
            identity=identity,
        )
    )
    return outcome.as_json()


def _only_pending_approval(
    payload: dict[str, Any], approver: str, identity: str
) -> dict[str, Any]:
    """The runbook's line names no approval: find the pending one it means, or say which."""
    tenant = _tenant(payload)
    phone_number_id = payload.get("phoneNumberId") or tenant.phone_number_id
    pending = records.pending_requests(tenant.tenant_id, phone_number_id)
    if not pending:
        raise NoProfileRequest(
            f"tenant {tenant.tenant_id} has no profile change waiting on {phone_number_id}"
        )
    open_approvals = [a for a in records.approvals_of(pending[0]) if a["status"] == PENDING]
    if approver or identity:
        mine = [a for a in open_approvals if approver_matches(a["approver"], approver, identity)]
        if not mine:
            raise NotTheApprover(
                f"{identity or approver} has no open approval on version {pending[0]['version']}; "
                f"the open ones are {', '.join(a['approver'] for a in open_approvals) or 'none'}"
            )
        return mine[0]
    if len(open_approvals) != 1:
        who = ", ".join(a["approver"] for a in open_approvals) or "none"
        raise ApprovalNotFound(
            f"version {pending[0]['version']} has {len(open_approvals)} open approvals ({who}); "
            "name one with approvalId or approver"
        )
    return open_approvals[0]


def _tenant(payload: dict[str, Any]) -> TenantConfig:
    return find_tenant(payload.get("tenantId") or payload.get("metaWabaId") or "")


def _request(tenant: TenantConfig, payload: dict[str, Any]) -> dict[str, Any]:
    phone_number_id = payload.get("phoneNumberId") or tenant.phone_number_id
    if payload.get("version") is not None:
        request = records.get_request(tenant.tenant_id, phone_number_id, int(payload["version"]))
        if request is None:
            raise NoProfileRequest(f"tenant {tenant.tenant_id} has no version "
                                   f"{payload['version']} on {phone_number_id}")
        return request
    requests = records.requests_of(tenant.tenant_id, phone_number_id)
    if not requests:
        raise NoProfileRequest(f"tenant {tenant.tenant_id} has no business-profile request on "
                               f"{phone_number_id}; send one with update_business_profile")
    waiting = [r for r in requests if r["status"] == PENDING_APPLY]
    return (waiting or requests)[0]


def _approval_row(approval: dict[str, Any]) -> dict[str, Any]:
    view = records.public(approval)
    return {
        "approvalId": view["approvalId"],
        "version": view["version"],
        "approver": view["approver"],
        "status": view["status"],
        "createdAt": view.get("createdAt", ""),
        "deadline": deadline_text(view["expiresAt"]) if view.get("expiresAt") else "",
        "decidedAt": view.get("decidedAt", ""),
        "channel": view.get("channel", ""),
        "note": view.get("note", ""),
        "sourceAddress": view.get("sourceAddress", ""),
    }
