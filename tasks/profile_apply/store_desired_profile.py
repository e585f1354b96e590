"""Step 2: store the desired profile as a new version, PENDING_APPLY; supersede older ones.

A newer request for the same phone number ends every older one still waiting: its
record becomes SUPERSEDED (so its links stop working) and its execution gets
``SendTaskFailure`` with the error ``ProfileChangeSuperseded``.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from tasks.common.clients import client
from tasks.common.errors import error_code
from tasks.profile_apply import records
from tasks.profile_apply.decisions import DEAD_TOKEN_CODES
from tasks.profile_apply.errors import ProfileChangeSuperseded
from tasks.profile_apply.records import PENDING_APPLY, SUPERSEDED

logger = Logger(service="profile-apply")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = event["request"]
    tenant_id, phone_number_id = request["tenantId"], request["phoneNumberId"]
    execution_arn = event.get("executionArn", "")
    logger.append_keys(tenant=tenant_id, execution=execution_arn)

    # A retried step finds the version it stored on its first try.
    for stored in records.requests_of(tenant_id, phone_number_id):
        if execution_arn and stored.get("executionArn") == execution_arn:
            return {"version": int(stored["version"]), "requestedAt": stored["requestedAt"],
                    "superseded": []}

    version = records.next_version(tenant_id, phone_number_id)
    item = {
        **records.version_key(tenant_id, phone_number_id, version),
        **request,
        "recordType": "ProfileRequest",
        "version": version,
        "status": PENDING_APPLY,
        "requestedAt": records.now_iso(),
        "executionArn": execution_arn,
        "approvalsReceived": 0,
    }
    _put_unless_newer(item, version)
    logger.info("Stored desired profile", extra={"version": version})

    superseded = [
        int(older["version"])
        for older in records.pending_requests(tenant_id, phone_number_id)
        if int(older["version"]) < version and supersede(older, version)
    ]
    return {"version": version, "requestedAt": item["requestedAt"], "superseded": superseded}


def _put_unless_newer(item: dict[str, Any], version: int) -> None:
    """Store the request, unless a newer one was numbered meanwhile (then it is born superseded)."""
    state_key = {"PK": item["PK"], "SK": records.phone_sk(item["phoneNumberId"], "STATE")}
    try:
        records.transact(
            [
                {"Put": {"Item": item, "ConditionExpression": "attribute_not_exists(PK)"}},
                {"ConditionCheck": {"Key": state_key,
                                    "ConditionExpression": "latestVersion = :version",
                                    "ExpressionAttributeValues": {":version": version}}},
            ]
        )
    except ClientError as exc:
        if not records.is_condition_failure(exc):
            raise
        newer = records.latest_version(item["tenantId"], item["phoneNumberId"])
        records.call_table(
            "put_item",
            Item={**item, "status": SUPERSEDED, "supersededBy": newer,
                  "closedAt": records.now_iso()},
        )
        raise ProfileChangeSuperseded(
            f"version {version} was superseded by version {newer} while it was being stored"
        ) from exc


def supersede(older: dict[str, Any], newer_version: int) -> bool:
    """End an older waiting request; False if it was decided meanwhile (it then completes)."""
    try:
        records.call_table(
            "update_item",
            Key=records.request_key(older),
            UpdateExpression="SET #status = :superseded, supersededBy = :newer, closedAt = :now",
            ConditionExpression="#status = :waiting AND attribute_not_exists(decisionSentBy)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":superseded": SUPERSEDED, ":newer": newer_version,
                                       ":now": records.now_iso(), ":waiting": PENDING_APPLY},
        )
    except ClientError as exc:
        if records.is_condition_failure(exc):
            return False
        raise
    records.close_approvals(older, SUPERSEDED)
    if older.get("taskToken"):
        _end_waiting_execution(older, newer_version)
    logger.info("Superseded an older request", extra={"olderVersion": int(older["version"])})
    return True


def _end_waiting_execution(older: dict[str, Any], newer_version: int) -> None:
    cause = json.dumps({
        "errorMessage": f"version {int(older['version'])} was superseded by version "
        f"{newer_version} of the same phone number",
        "supersededBy": newer_version,
    })
    try:
        client("stepfunctions").send_task_failure(
            taskToken=older["taskToken"], error=ProfileChangeSuperseded.__name__, cause=cause
        )
    except ClientError as exc:
        # The older execution is no longer waiting: its record already says SUPERSEDED.
        if error_code(exc) not in DEAD_TOKEN_CODES:
            raise
