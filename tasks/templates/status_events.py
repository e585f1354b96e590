"""``message_template_status_update`` on the WABA event destination.

Every status Meta sends is cached as it comes (PAUSED, DISABLED … included); a verdict
for a template a submission waits on also resolves its mailbox and, if this event is
the first to answer, resumes the waiting execution. Meta sends ``message_template_id``
as an integer and may spell the language ``en-US``: both are normalized here.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from tasks.common.tenants import UnknownTenant
from tasks.templates import cache, verdicts
from tasks.templates.language import normalize_language
from tasks.templates.tenants import find_tenant
from tasks.waba_events.router import WabaChange, on_field

logger = Logger(service="waba-events")


@on_field("message_template_status_update")
def template_status_changed(change: WabaChange) -> dict[str, Any]:
    value = change.value
    verdict = verdicts.Verdict(
        metaTemplateId=str(value.get("message_template_id", "")),
        templateStatus=str(value.get("event", "")).upper(),
        reason=_reason_text(value),
        recommendation=(value.get("rejection_info") or {}).get("recommendation"),
        templateName=str(value.get("message_template_name", "")),
        language=normalize_language(value.get("message_template_language")),
        source="event",
    )
    if not verdict.metaTemplateId or not verdict.templateStatus:
        logger.warning("Template status event without a template id or status")
        return {"cached": False, "resumed": "no"}
    logger.append_keys(metaTemplateId=verdict.metaTemplateId, metaWabaId=change.meta_waba_id)

    cached = _cache(change.meta_waba_id, verdict)
    resumed = "not a verdict"
    if verdicts.is_verdict(verdict.templateStatus):
        won, token = verdicts.resolve(verdict)
        resumed = "already answered" if not won else "no waiter"
        if won and token:
            resumed = verdicts.settle(token, verdict)
    logger.info("Template status event", extra={
        "templateStatus": verdict.templateStatus, "cached": cached, "resumed": resumed})
    return {"metaTemplateId": verdict.metaTemplateId, "templateStatus": verdict.templateStatus,
            "cached": cached, "resumed": resumed}


def _cache(meta_waba_id: str, verdict: verdicts.Verdict) -> bool:
    try:
        tenant = find_tenant(meta_waba_id)
    except UnknownTenant:
        logger.warning("Template status event for an unknown WABA")
        return False
    return cache.record_status(
        tenant, verdict.templateName, verdict.language, verdict.metaTemplateId,
        verdict.templateStatus, verdict.reason, source="event",
    )


def _reason_text(value: dict[str, Any]) -> str | None:
    """Meta's reason code, with its explanation when it gives one (INVALID_FORMAT)."""
    code = value.get("reason")
    code = None if code == "NONE" else code  # Meta's "no reason" (approvals, pauses)
    detail = (value.get("rejection_info") or {}).get("reason")
    if code and detail:
        return f"{code}: {detail}"
    return code or detail
