"""Step 4: give each approver an approval of their own, e-mail them, and leave the task token.

Invoked by the ``.waitForTaskToken`` state: the token is stored on the request record
and nowhere else; the e-mails carry signed links naming the approval id. A retried
invocation reuses the approvals already made and e-mails only those not yet e-mailed.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from tasks.common.mail import send_email
from tasks.common.masking import mask_email
from tasks.profile_apply import emails, records
from tasks.profile_apply.records import PENDING, PENDING_APPLY
from tasks.profile_apply.waiting import raise_not_waiting, replace_token

logger = Logger(service="profile-apply")


def new_approval_id() -> str:
    return f"apv-{secrets.token_hex(10)}"


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request_input, version = event["request"], int(event["stored"]["version"])
    tenant_id, phone_number_id = request_input["tenantId"], request_input["phoneNumberId"]
    logger.append_keys(tenant=tenant_id, version=version, execution=event.get("executionArn"))

    request = records.get_request(tenant_id, phone_number_id, version)
    if request is None or request["status"] != PENDING_APPLY:
        raise_not_waiting(request, version)
    if not request.get("approvalIds"):
        request = _create_approvals(request, event["taskToken"])
    else:
        request = replace_token(request, event["taskToken"])

    sent = 0
    for approval in records.approvals_of(request):
        if approval["status"] == PENDING and not approval.get("emailedAt"):
            message = emails.approval_request(request, approval)
            send_email([approval["approver"]], message.subject, message.text, message.html)
            records.call_table(
                "update_item", Key=records.approval_key(approval["approvalId"]),
                UpdateExpression="SET emailedAt = :now",
                ExpressionAttributeValues={":now": records.now_iso()},
            )
            logger.info("E-mailed an approver", extra={
                "approvalId": approval["approvalId"], "approver": mask_email(approval["approver"])
            })
            sent += 1
    return {"approvalIds": list(request["approvalIds"]), "emailed": sent,
            "expiresAt": int(request["expiresAt"])}


def _create_approvals(request: dict[str, Any], task_token: str) -> dict[str, Any]:
    """One approval per approver, and the token, written together while the request waits."""
    now = int(time.time())
    expires_at = now + int(request["approvalTimeoutSeconds"])
    approvals = [
        {
            **records.approval_key(approval_id),
            "recordType": "ProfileApproval",
            "approvalId": approval_id,
            "approver": approver,
            "status": PENDING,
            "tenantId": request["tenantId"],
            "phoneNumberId": request["phoneNumberId"],
            "version": int(request["version"]),
            "executionArn": request.get("executionArn", ""),
            "createdAt": records.now_iso(),
            "expiresAt": expires_at,
        }
        for approval_id, approver in ((new_approval_id(), a) for a in request["approvers"])
    ]
    ids = [a["approvalId"] for a in approvals]
    try:
        records.transact(
            [
                {"Update": {
                    "Key": records.request_key(request),
                    "UpdateExpression": "SET taskToken = :token, approvalIds = :ids, "
                    "expiresAt = :expires, reminderAt = :reminder",
                    "ConditionExpression": "#status = :waiting",
                    "ExpressionAttributeNames": {"#status": "status"},
                    "ExpressionAttributeValues": {
                        ":token": task_token, ":ids": ids, ":expires": expires_at,
                        ":reminder": now + int(request["reminderAfterSeconds"]),
                        ":waiting": PENDING_APPLY,
                    },
                }},
                *({"Put": {"Item": a, "ConditionExpression": "attribute_not_exists(PK)"}}
                  for a in approvals),
            ]
        )
    except ClientError as exc:
        if not records.is_condition_failure(exc):
            raise
        raise_not_waiting(records.stored_now(request), int(request["version"]))
    logger.info("Created approvals", extra={"approvals": len(ids)})
    return {**request, "taskToken": task_token, "approvalIds": ids, "expiresAt": expires_at}
