"""Close the request of a profile-apply execution that ended without closing it.

The workflow records every end it reaches itself (applied, rejected, expired,
superseded, failed). An execution stopped by hand (``ABORTED``), cut off by its own
timeout (``TIMED_OUT``) or failed outside its ``Catch`` never reaches that step, and
its request would stay ``PENDING_APPLY``. Step Functions puts an "Execution Status
Change" event on EventBridge for every end; a rule sends these three to this function,
which closes the request (``STOPPED``, or ``FAILED``) with the event's error and cause,
and closes its approvals, so their links say the change no longer waits.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.tenants import UnknownTenant, find_tenant
from tasks.profile_apply import records
from tasks.profile_apply.records import CLOSED, FAILED, PENDING_APPLY, STOPPED

logger = Logger(service="profile-apply")

REQUEST_STATUS_AFTER = {"ABORTED": STOPPED, "TIMED_OUT": STOPPED, "FAILED": FAILED}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    detail = event.get("detail") or {}
    execution_arn, status = str(detail.get("executionArn", "")), str(detail.get("status", ""))
    logger.append_keys(execution=execution_arn, executionStatus=status)
    outcome = REQUEST_STATUS_AFTER.get(status)
    if outcome is None:
        return {"closed": False, "reason": f"the workflow records a {status} end itself"}
    request = _request_of(execution_arn, detail.get("input"))
    if request is None:
        logger.info("No request was stored by this execution")
        return {"closed": False, "reason": "the execution stored no request"}
    logger.append_keys(tenant=request["tenantId"], version=int(request["version"]))
    if request["status"] != PENDING_APPLY:
        return {"closed": False, "status": request["status"],
                "reason": "the workflow had already recorded how the request ended"}

    error, cause = str(detail.get("error") or status), str(detail.get("cause") or "")
    closed = records.close_request(request, outcome, {"error": error, "cause": cause})
    if closed.get("status") != outcome:
        return {"closed": False, "status": closed.get("status"),
                "reason": "the request ended another way meanwhile"}
    approvals = records.close_approvals(closed, CLOSED)
    logger.warning("Closed the request of an execution that ended unrecorded",
                   extra={"status": outcome, "error": error, "approvals": len(approvals)})
    return {"closed": True, "status": outcome, "tenantId": closed["tenantId"],
            "version": int(closed["version"]), "error": error, "cause": cause}


def _request_of(execution_arn: str, execution_input: Any) -> dict[str, Any] | None:
    """The request this execution stored: found among its tenant's by execution ARN."""
    try:
        started_with = json.loads(execution_input) if isinstance(execution_input, str) else {}
    except ValueError:
        return None
    if not isinstance(started_with, dict):
        return None
    try:
        tenant = find_tenant(started_with.get("tenantId") or started_with.get("metaWabaId"))
    except UnknownTenant:
        return None
    for request in records.requests_of(tenant["tenantId"]):
        if request.get("executionArn") == execution_arn:
            return request
    return None
