"""Check the submitted template against Meta's rules and find its tenant.

Input: the runbook's ``eum_create_template`` payload as ``request``. Output: the tenant's
ids and the Meta template definition the next step sends. Every broken rule is reported
at once in one ``TemplateInvalid``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.templates.tenants import find_tenant
from tasks.templates.validator import validate_template

logger = Logger(service="template-submission")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = event.get("request") or {}
    tenant_key = request.get("tenantId") or request.get("metaWabaId")
    logger.append_keys(
        execution=event.get("executionArn"), tenant=tenant_key,
        templateName=request.get("templateName"),
    )
    tenant = find_tenant(tenant_key)
    template = validate_template(request)
    logger.info("Template is valid", extra={"warnings": len(template.warnings)})
    return {
        "tenant": tenant.as_json(),
        "template": {
            "name": template.name,
            "language": template.language,
            "category": template.category,
            "definition": template.definition,
            "warnings": list(template.warnings),
        },
        "trigger": request.get("trigger", "manual"),
    }
