"""Step 1: check the requested profile against WhatsApp's limits, before anything is stored."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.profile_apply.request_input import profile_request

logger = Logger(service="profile-apply")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(execution=event.get("executionArn"))
    request = profile_request(event.get("input") or {})
    logger.info(
        "Profile request is valid",
        extra={"tenant": request["tenantId"], "fields": sorted(request["profile"])},
    )
    return request
