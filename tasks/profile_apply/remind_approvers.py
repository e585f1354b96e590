"""Step 4b: before the deadline, remind the approvers who have not decided, and keep waiting.

Invoked by the second ``.waitForTaskToken`` state, whose ``TimeoutSeconds`` is what is
left of the deadline. The first wait's token is dead now, so the new one replaces it on
the request; the links stay the same. A decision recorded while the token was being
replaced is delivered here, with the new token.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.mail import send_email
from tasks.common.masking import mask_email
from tasks.profile_apply import decisions, emails, records
from tasks.profile_apply.records import PENDING
from tasks.profile_apply.waiting import replace_token

logger = Logger(service="profile-apply")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request_input, version = event["request"], int(event["stored"]["version"])
    tenant_id, phone_number_id = request_input["tenantId"], request_input["phoneNumberId"]
    logger.append_keys(tenant=tenant_id, version=version, execution=event.get("executionArn"))

    stored = records.get_request(tenant_id, phone_number_id, version) or {
        **request_input, "version": version, "status": "missing"
    }
    request = replace_token(stored, event["taskToken"], remindedAt=records.now_iso())
    if request.get("decisionSentBy"):
        delivered = decisions.deliver(request)
        logger.info("Delivered a decision recorded while the token changed",
                    extra={"delivered": delivered})
        return {"reminded": [], "deliveredDecision": request.get("decision")}

    reminded = []
    for approval in records.approvals_of(request):
        if approval["status"] != PENDING or approval.get("remindedAt"):
            continue
        message = emails.reminder(request, approval)
        send_email([approval["approver"]], message.subject, message.text, message.html)
        records.call_table(
            "update_item", Key=records.approval_key(approval["approvalId"]),
            UpdateExpression="SET remindedAt = :now",
            ExpressionAttributeValues={":now": records.now_iso()},
        )
        reminded.append(approval["approvalId"])
        logger.info("Reminded an approver", extra={
            "approvalId": approval["approvalId"], "approver": mask_email(approval["approver"])
        })
    return {"reminded": reminded}
