"""Template actions (runbook section 4): ``eum_create_template`` and ``eum_sync_templates``.

``eum_create_template`` checks the payload against Meta's rules first, so a broken
template is refused in the reply with every rule it breaks and what to add, and only a
valid one starts the template-submission workflow. ``eum_sync_templates`` starts
template-sync for the WABA named (or for every tenant).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.actions.registry import action
from tasks.actions.workflow_starts import start_workflow
from tasks.templates.tenants import find_tenant
from tasks.templates.validator import validate_template


@action("eum_create_template",
        "Validate a WhatsApp template and start template-submission (create, wait for Meta)")
def eum_create_template(payload: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    execution_input = {k: v for k, v in payload.items() if k != "action"}
    tenant = find_tenant(execution_input.get("tenantId") or execution_input.get("metaWabaId"))
    template = validate_template(execution_input)
    started = start_workflow("template-submission", execution_input, context)
    return {
        **started,
        "tenantId": tenant.tenant_id,
        "templateName": template.name,
        "language": template.language,
        "category": template.category,
        "warnings": list(template.warnings),
        "next": "Meta reviews the template (up to 24 h); the verdict is cached and e-mailed "
        "to operations. wecare-flows templates --status PENDING lists the waiting ones.",
    }


@action("eum_sync_templates",
        "Start template-sync: bring the template cache up to date with End User Messaging")
def eum_sync_templates(payload: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    execution_input = {k: v for k, v in payload.items() if k != "action"}
    key = execution_input.get("tenantId") or execution_input.get("metaWabaId")
    tenants = [find_tenant(key).tenant_id] if key else "all"
    started = start_workflow("template-sync", execution_input, context)
    return {**started, "tenants": tenants}
