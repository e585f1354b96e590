"""Create the template in End User Messaging Social, cache it, open its verdict mailbox.

A template with the same name and language that already exists is adopted when it is
the same template (a retry of this step after the create went through, or the same
submission twice), and refused with ``TemplateAlreadyExists`` when it differs.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.templates import api, cache, verdicts
from tasks.templates.errors import TemplateAlreadyExists, TemplateApiRefused
from tasks.templates.tenants import TenantRef

logger = Logger(service="template-submission")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant = TenantRef.from_json(event["tenant"])
    template = event["template"]
    execution_arn = event["executionArn"]
    logger.append_keys(execution=execution_arn, tenant=tenant.tenant_id,
                       templateName=template["name"], language=template["language"])

    existing = api.find_template(tenant.waba_id, template["name"], template["language"])
    if existing is None:
        try:
            created = {**api.create_template(tenant.waba_id, template["definition"]),
                       "adopted": False}
        except TemplateApiRefused:
            # Another submission may have created it between the look and the create.
            existing = api.find_template(tenant.waba_id, template["name"], template["language"])
            if existing is None:
                raise
    if existing is None:
        cache.record_submitted(tenant, template["name"], template["language"], created,
                               execution_arn)
    else:
        created = _adopt(tenant, template, existing)

    verdict = None
    if verdicts.is_verdict(created["templateStatus"]):
        verdict = verdicts.Verdict(
            metaTemplateId=created["metaTemplateId"], templateStatus=created["templateStatus"],
            reason=created.get("reason"), templateName=template["name"],
            language=template["language"], source="create",
        )
    verdicts.open_mailbox(created["metaTemplateId"], template, execution_arn, verdict,
                          replace=created["adopted"])
    logger.info("Template submitted", extra={
        "metaTemplateId": created["metaTemplateId"],
        "templateStatus": created["templateStatus"], "adopted": created["adopted"]})
    return {**created, "submittedAt": cache.now()}


def _adopt(tenant: TenantRef, template: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
    definition = template["definition"]
    # TODO: the comparison is exact; should Meta return the components reformatted, the
    # same template is refused as a duplicate, which is the safe side of the mistake.
    if existing.get("components") != definition["components"]:
        raise TemplateAlreadyExists(
            f"WABA {tenant.meta_waba_id} already has a different template "
            f"{template['name']!r} in {template['language']} (metaTemplateId "
            f"{existing.get('id')}, {existing.get('status')}); submit under a new name or "
            "language, or edit or delete the existing one first "
            f"(wecare-flows templates --tenant {tenant.tenant_id} lists the cache)"
        )
    created = {
        "metaTemplateId": str(existing["id"]),
        "templateStatus": str(existing.get("status", "PENDING")).upper(),
        "category": existing.get("category", template["category"]),
        "reason": _rejected_reason(existing),
        "adopted": True,
    }
    cache.record_status(tenant, template["name"], template["language"],
                        created["metaTemplateId"], created["templateStatus"],
                        created["reason"], source="create")
    return created


def _rejected_reason(template: dict[str, Any]) -> str | None:
    reason = template.get("rejected_reason")
    return None if reason in (None, "NONE") else str(reason)
