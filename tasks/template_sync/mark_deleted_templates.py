"""Mark cached templates that the listing no longer has as DELETED, and sum up the tenant.

A cached template is marked only if this sync did not see it and nothing wrote it since
the sync started, so a template submitted while the sync ran is left alone.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.templates import cache
from tasks.templates.tenants import TenantRef

logger = Logger(service="template-sync")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant = TenantRef.from_json(event["tenant"])
    sync_id, started = event["syncId"], event["syncStartedAt"]
    logger.append_keys(tenant=tenant.tenant_id, syncId=sync_id)

    deleted = [
        f"{item['templateName']} ({item['language']})"
        for item in cache.cached_templates(tenant.tenant_id)
        if item.get("templateStatus") != cache.DELETED
        and item.get("syncedAt") != sync_id
        and cache.mark_deleted(item, sync_id, started)
    ]
    page = event.get("page") or {}
    logger.info("Tenant synced", extra={"templates": page.get("templates", 0),
                                        "deleted": len(deleted)})
    return {
        "tenantId": tenant.tenant_id,
        "outcome": "SYNCED",
        "pages": page.get("pages", 0),
        "templates": page.get("templates", 0),
        "statuses": page.get("statuses", {}),
        "markedDeleted": deleted,
    }
