"""E-mail the operations address which tenants' templates could not be synced, and why."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.environment import setting
from tasks.common.mail import send_email

logger = Logger(service="template-sync")

NEXT_STEPS = {
    "ServiceThrottled": "End User Messaging Social kept throttling the listing; the next "
    "daily sync retries, or start one now: wecare-flows start template-sync",
    "UnknownTenant": "Name the tenant by tenantId or metaWabaId as in cdk.json.",
    "TemplateApiRefused": "Check that the WABA is linked to End User Messaging Social in "
    "this account and Region, and the function's IAM permissions.",
    "TemplateNotFound": "End User Messaging Social does not know the WABA id (wabaId in "
    "cdk.json).",
}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = event["run"]
    logger.append_keys(execution=run.get("executionArn"))
    subject = f"[WECARE] Template sync failed: {run['error']}"
    lines = [
        "A template sync did not complete; the cache may be out of date.",
        "",
        f"Error:      {run['error']}",
        f"Cause:      {run['cause']}",
        f"Started:    {run['syncStartedAt']}",
        f"Execution:  {run['executionArn']}",
        "",
        "Tenants:",
    ]
    for tenant in run.get("tenants", []):
        detail = (f"{tenant.get('templates', 0)} templates, "
                  f"{len(tenant.get('markedDeleted', []))} marked DELETED"
                  if tenant.get("outcome") != "FAILED" else f"{tenant['error']}: {tenant['cause']}")
        lines.append(f"  {tenant.get('tenantId')}: {tenant.get('outcome')} ({detail})")
    errors = {run["error"], *(t.get("error") for t in run.get("tenants", []))}
    steps = [NEXT_STEPS[e] for e in sorted(e for e in errors if e in NEXT_STEPS)]
    steps.append(f"Read the execution's history: wecare-flows history {run['executionArn']}")
    lines += ["", "What to do:", *(f"  - {step}" for step in steps)]
    message_id = send_email([setting("OPS_NOTIFY_TO")], subject, "\n".join(lines) + "\n")
    logger.info("Sent the sync failure notice", extra={"error": run["error"]})
    return {"messageId": message_id, "subject": subject}
