"""Record how a submission ended: cache Meta's verdict, keep a submission record, and
work out the error and cause the execution fails with, if it fails.

Submission record: ``PK=TENANT#{tenantId}``, ``SK=TEMPLATE_SUBMISSION#{startedAt}#{execution}``.
``outcome`` is APPROVED, REJECTED, NOT_APPROVED (PAUSED, DISABLED … ended the review) or
FAILED (the template was refused before Meta saw it, or the wait ran out).
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.clients import table
from tasks.common.errors import cause_message
from tasks.common.tenants import UnknownTenant
from tasks.templates import cache
from tasks.templates.tenants import TenantRef, find_tenant
from tasks.templates.verdicts import Verdict

logger = Logger(service="template-submission")

VERDICT_ERRORS = {"TemplateRejected": "REJECTED", "TemplateNotApproved": "NOT_APPROVED"}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state = event["state"]
    execution_arn = event.get("executionArn", "")
    template = state.get("template") or {}
    request = state.get("request") or state  # a refused payload is the state itself
    tenant = state.get("tenant") or _tenant_named_in(request)
    logger.append_keys(execution=execution_arn, tenant=tenant.get("tenantId"))

    outcome: dict[str, Any] = {
        "tenantId": tenant.get("tenantId", request.get("tenantId", "")),
        "metaWabaId": tenant.get("metaWabaId", request.get("metaWabaId", "")),
        "templateName": template.get("name", request.get("templateName", "")),
        "language": template.get("language", request.get("language", "")),
        "category": template.get("category", request.get("category", "")),
        "metaTemplateId": (state.get("submission") or {}).get("metaTemplateId", ""),
        "warnings": template.get("warnings", []),
        "executionArn": execution_arn,
        "startedAt": event.get("startedAt", ""),
        "recordedAt": cache.now(),
    }
    outcome.update(_ending(state.get("verdict"), state.get("error")))
    if outcome.get("templateStatus") and tenant:
        cache.record_status(
            TenantRef.from_json(tenant), outcome["templateName"], outcome["language"],
            outcome["metaTemplateId"], outcome["templateStatus"], outcome.get("reason"),
            source=outcome.get("decidedBy") or "workflow",
        )
    table().put_item(Item={
        "PK": f"TENANT#{outcome['tenantId'] or 'unknown'}",
        "SK": f"TEMPLATE_SUBMISSION#{outcome['startedAt']}#{execution_arn.rsplit(':', 1)[-1]}",
        "recordType": "TemplateSubmission",
        **{k: v for k, v in outcome.items() if v not in (None, "") and k != "templateStatus"},
        # Not templateStatus: submission records stay out of the TemplatesByStatus index.
        "finalStatus": outcome.get("templateStatus") or outcome["outcome"],
    })
    logger.info("Recorded the submission", extra={"outcome": outcome["outcome"]})
    return outcome


def _tenant_named_in(request: dict[str, Any]) -> dict[str, Any]:
    """The tenant of a payload refused before its tenant was resolved, if it has one."""
    try:
        return find_tenant(request.get("tenantId") or request.get("metaWabaId")).as_json()
    except UnknownTenant:
        return {}


def _ending(verdict: dict[str, Any] | None, error: dict[str, Any] | None) -> dict[str, Any]:
    """outcome, and for anything but APPROVED the ASL error and a cause a person can read."""
    if error is None and verdict is not None:
        return _verdict_fields(Verdict(**verdict)) | {"outcome": "APPROVED"}
    error = error or {}
    name = error.get("Error", "States.Runtime")
    cause = error.get("Cause", "")
    if name in VERDICT_ERRORS:
        decided = _sent_verdict(cause)
        because = f": {decided.reason}" if decided.reason else ""
        return _verdict_fields(decided) | {
            "outcome": VERDICT_ERRORS[name],
            "error": name,
            "cause": f"Meta {_verb(decided.templateStatus)} template {decided.templateName!r} "
            f"({decided.language}){because}",
        }
    return {"outcome": "FAILED", "error": name, "cause": cause_message(cause) or name}


def _verb(status: str) -> str:
    return "rejected" if status == "REJECTED" else f"set to {status}"


def _sent_verdict(cause: str) -> Verdict:
    """The verdict SendTaskFailure carried as its cause (JSON of :class:`Verdict`)."""
    try:
        return Verdict(**json.loads(cause))
    except (TypeError, ValueError):
        return Verdict(metaTemplateId="", templateStatus="REJECTED",
                       reason=f"the rejection arrived without its details ({cause!r})")


def _verdict_fields(verdict: Verdict) -> dict[str, Any]:
    return {
        "metaTemplateId": verdict.metaTemplateId,
        "templateStatus": verdict.templateStatus,
        "reason": verdict.reason,
        "recommendation": verdict.recommendation,
        "decidedBy": verdict.source,
        "decidedAt": verdict.decidedAt,
    }
