"""Record a template-sync run, however it ended, and say how it ended.

Record: ``PK=TEMPLATE_SYNC``, ``SK=RUN#{syncStartedAt}#{execution}`` with the result of
each tenant. ``outcome`` is SUCCEEDED when every tenant synced, else FAILED with the
``error`` and ``cause`` the execution ends with.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.clients import table
from tasks.common.errors import cause_message
from tasks.templates.cache import now

logger = Logger(service="template-sync")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state = event["run"]
    execution_arn = event.get("executionArn", "")
    sync = state.get("sync") or {}
    tenants = [_tenant_result(result) for result in state.get("tenants") or []]
    logger.append_keys(execution=execution_arn, syncId=sync.get("syncId"))

    run: dict[str, Any] = {
        "syncStartedAt": sync.get("syncStartedAt", now()),
        "endedAt": now(),
        "trigger": sync.get("trigger", (state.get("request") or state).get("trigger", "manual")),
        "executionArn": execution_arn,
        "tenants": tenants,
        "templates": sum(t.get("templates", 0) for t in tenants),
        "markedDeleted": sum(len(t.get("markedDeleted", [])) for t in tenants),
    }
    run.update(_outcome(tenants, state.get("error")))
    table().put_item(Item={
        "PK": "TEMPLATE_SYNC",
        "SK": f"RUN#{run['syncStartedAt']}#{execution_arn.rsplit(':', 1)[-1]}",
        "recordType": "TemplateSyncRun",
        **run,
    })
    logger.info("Recorded the sync run", extra={"outcome": run["outcome"]})
    return run


def _tenant_result(result: dict[str, Any]) -> dict[str, Any]:
    if result.get("outcome") != "FAILED":
        return result
    error = result.get("error") or {}
    return {"tenantId": result.get("tenantId"), "outcome": "FAILED",
            "error": error.get("Error", "States.Runtime"),
            "cause": cause_message(error.get("Cause", ""))}


def _outcome(tenants: list[dict[str, Any]], error: dict[str, Any] | None) -> dict[str, Any]:
    if error is not None:
        return {"outcome": "FAILED", "error": error.get("Error", "States.Runtime"),
                "cause": cause_message(error.get("Cause", "")) or error.get("Error", "")}
    failed = [t for t in tenants if t.get("outcome") == "FAILED"]
    if not failed:
        return {"outcome": "SUCCEEDED"}
    return {
        "outcome": "FAILED",
        "error": "TemplateSyncFailed" if len(failed) > 1 else failed[0]["error"],
        "cause": "; ".join(f"{t['tenantId']}: {t['error']}: {t['cause']}" for t in failed),
    }
