"""One round of the wait for Meta's verdict: the ``.waitForTaskToken`` task's Lambda.

Each round leaves its task token in the template's verdict mailbox, where the status
event finds it, and (from the second round on) polls ``GetWhatsAppMessageTemplate`` in
case the event never comes. A verdict found by the poll, or already in the mailbox,
settles this round's own token at once. The ASL gives each round a longer
``TimeoutSeconds``; a round that times out hands over to the next one. The last round
only polls: if Meta still has not decided, the submission fails as overdue.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.templates import api, verdicts
from tasks.templates.errors import TemplateVerdictOverdue
from tasks.templates.tenants import TenantRef

logger = Logger(service="template-submission")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    token = event["taskToken"]
    round_number = int(event["round"])
    tenant = TenantRef.from_json(event["tenant"])
    template, submission = event["template"], event["submission"]
    meta_template_id = submission["metaTemplateId"]
    logger.append_keys(execution=event.get("executionArn"), tenant=tenant.tenant_id,
                       metaTemplateId=meta_template_id, round=round_number)

    answered = verdicts.register_waiter(
        meta_template_id, token, event.get("executionArn", ""), round_number
    )
    if answered is not None:
        sent = verdicts.settle(token, answered)
        logger.info("Verdict was waiting in the mailbox", extra={"source": answered.source})
        return {"round": round_number, "answeredBy": answered.source, "settled": sent}
    if round_number == 0:
        return {"round": 0, "waiting": True}

    found = api.get_template(tenant.waba_id, meta_template_id)
    status = str(found.get("status", "")).upper()
    if verdicts.is_verdict(status):
        return _answer_from_poll(token, template, meta_template_id, status, found, round_number)
    if event.get("lastRound"):
        raise TemplateVerdictOverdue(
            f"Meta has not reviewed template {template['name']!r} ({template['language']}, "
            f"metaTemplateId {meta_template_id}) since {submission.get('submittedAt')}; "
            f"it is still {status}"
        )
    logger.info("Still in review", extra={"templateStatus": status})
    return {"round": round_number, "templateStatus": status, "waiting": True}


def _answer_from_poll(
    token: str, template: dict[str, Any], meta_template_id: str, status: str,
    found: dict[str, Any], round_number: int,
) -> dict[str, Any]:
    # TODO: AWS does not document the JSON in GetWhatsAppMessageTemplate's ``template``;
    # Meta's template object names a rejection's reason ``rejected_reason``, read here.
    reason = found.get("rejected_reason")
    verdict = verdicts.Verdict(
        metaTemplateId=meta_template_id, templateStatus=status,
        reason=None if reason in (None, "NONE") else str(reason),
        templateName=template["name"], language=template["language"], source="poll",
    )
    won, waiting_token = verdicts.resolve(verdict)
    sent = verdicts.settle(waiting_token or token, verdict) if won else "event answered first"
    logger.info("Poll found the verdict", extra={"templateStatus": status, "won": won})
    return {"round": round_number, "templateStatus": status, "settled": sent}
