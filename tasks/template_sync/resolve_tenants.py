"""The tenants a sync covers: the one the input names (tenantId or metaWabaId), or every
tenant (the daily schedule). Each becomes one item of the ASL's Map, with its first page."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.errors import InvalidInput
from tasks.templates.cache import now
from tasks.templates.tenants import all_tenants, find_tenant

logger = Logger(service="template-sync")

PAGE_SIZE = 100  # ListWhatsAppMessageTemplates' maximum


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = event.get("request") or {}
    execution_arn = event.get("executionArn", "")
    key = request.get("tenantId") or request.get("metaWabaId")
    logger.append_keys(execution=execution_arn, tenant=key)

    tenants = [find_tenant(key)] if key else all_tenants()
    page_size = _page_size(request.get("pageSize", PAGE_SIZE))
    started = now()
    sync_id = f"{started}#{execution_arn.rsplit(':', 1)[-1]}"
    items = [
        {
            "tenant": tenant.as_json(),
            "syncId": sync_id,
            "syncStartedAt": started,
            "pageSize": page_size,
            "page": {"nextToken": None, "pages": 0, "templates": 0, "statuses": {}},
        }
        for tenant in tenants
    ]
    logger.info("Syncing templates", extra={"tenants": [t.tenant_id for t in tenants]})
    return {"syncId": sync_id, "syncStartedAt": started, "trigger": request.get("trigger",
            "manual"), "items": items}


def _page_size(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= PAGE_SIZE:
        raise InvalidInput(f"pageSize {raw!r} must be a whole number from 1 to {PAGE_SIZE}")
    return raw
