"""One page of ``ListWhatsAppMessageTemplates``, upserted into the cache.

Each template's status, quality score, language and category is written with this
sync's id, so the last step can tell which cached templates the listing no longer has.
The ASL calls this again while ``nextToken`` is not null.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.templates import api, cache
from tasks.templates.tenants import TenantRef

logger = Logger(service="template-sync")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant = TenantRef.from_json(event["tenant"])
    page = event.get("page") or {}
    logger.append_keys(tenant=tenant.tenant_id, syncId=event["syncId"],
                       page=page.get("pages", 0) + 1)

    templates, next_token = api.list_templates_page(
        tenant.waba_id, page.get("nextToken"), int(event["pageSize"])
    )
    for summary in templates:
        cache.record_synced(tenant, summary, event["syncId"])
    statuses = Counter(page.get("statuses") or {})
    statuses.update(str(t.get("templateStatus", "UNKNOWN")) for t in templates)
    logger.info("Synced a page", extra={"templates": len(templates), "more": bool(next_token)})
    return {
        "nextToken": next_token,
        "pages": page.get("pages", 0) + 1,
        "templates": page.get("templates", 0) + len(templates),
        "statuses": dict(statuses),
    }
