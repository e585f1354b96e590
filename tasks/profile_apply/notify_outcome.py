"""Step 6: tell the operators and the approvers how the request ended, and what to do next."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.environment import setting
from tasks.common.mail import send_email
from tasks.profile_apply import emails

logger = Logger(service="profile-apply")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = event["outcome"]
    logger.append_keys(tenant=result.get("tenantId"), version=result.get("version"),
                       execution=result.get("executionArn"))
    recipients = list(dict.fromkeys([setting("OPS_NOTIFY_TO"), *result.get("approvers", [])]))
    message = emails.outcome(result)
    message_id = send_email(recipients, message.subject, message.text, message.html)
    logger.info("Sent the outcome", extra={"status": result["status"],
                                           "recipients": len(recipients)})
    return {"messageId": message_id, "subject": message.subject}
