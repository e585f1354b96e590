"""Step 3: what differs from the last applied profile, field by field, and the console steps."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.profile_apply import records
from tasks.profile_apply.instructions import console_steps
from tasks.profile_apply.profile import profile_diff

logger = Logger(service="profile-apply")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request, version = event["request"], int(event["stored"]["version"])
    tenant_id, phone_number_id = request["tenantId"], request["phoneNumberId"]
    logger.append_keys(tenant=tenant_id, version=version, execution=event.get("executionArn"))

    applied = records.last_applied(tenant_id, phone_number_id)
    applied_profile = records.plain(applied["profile"]) if applied else None
    diff = [change.as_json() for change in profile_diff(applied_profile, request["profile"])]
    steps = console_steps(request, [change["label"] for change in diff])
    records.call_table(
        "update_item",
        Key=records.version_key(tenant_id, phone_number_id, version),
        UpdateExpression="SET diff = :diff, steps = :steps, appliedVersion = :applied",
        ExpressionAttributeValues={
            ":diff": diff, ":steps": steps,
            ":applied": int(applied["version"]) if applied else 0,
        },
    )
    logger.info("Built apply instructions", extra={"changedFields": len(diff)})
    return {
        "diff": diff,
        "steps": steps,
        "lastAppliedVersion": int(applied["version"]) if applied else None,
    }
