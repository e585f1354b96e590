"""Renew the claim's lease, send the built e-mail through SES, then record the event as
e-mailed at once.

Before SES accepts the e-mail, throttling and SES's own failures raise
``ServiceThrottled`` / ``ServiceUnavailable`` (retried with backoff by the ASL) and a
refusal (unverified sender, paused account) raises ``EmailRejected``. Once SES has
accepted it nothing raises any more, since a retry would send it again: the ``SENT``
record is written here, in the same step, so that an execution stopped right after this
step (a timeout) still leaves the event recorded. If that write keeps failing the step
answers ``recorded: false`` and the workflow records it in a step of its own.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.mail import send_email
from tasks.common.retries import attempts
from tasks.message_notify.claims import facts, record_sent, renew
from tasks.message_notify.errors import NotificationClaimLost

logger = Logger(service="message-notify")
RECORD_ATTEMPTS = 3
RECORD_BACKOFF_SECONDS = 0.2


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    email = event["email"]
    logger.append_keys(eventId=event["eventId"])
    token = event["claimToken"]
    if not renew(event["eventId"], token, facts(event["event"], token)):
        raise NotificationClaimLost(
            f"event {event['eventId']}: this execution's claim ran out before sending; "
            "the execution that holds it now sends the e-mail"
        )
    ses_message_id = send_email(email["to"], email["subject"], email["text"], email["html"])
    logger.info("Notification sent", extra={"sesMessageId": ses_message_id})
    return {"sesMessageId": ses_message_id, "recorded": _record(event, ses_message_id)}


def _record(event: dict[str, Any], ses_message_id: str) -> bool:
    for attempt in attempts(RECORD_ATTEMPTS, RECORD_BACKOFF_SECONDS):
        try:
            if not record_sent(
                event["eventId"],
                event["claimToken"],
                event["event"],
                event["email"],
                ses_message_id,
            ):
                logger.warning("The claim had been taken over: the e-mail may have gone twice")
            return True
        except Exception as exc:  # the e-mail is out: report, never raise
            logger.warning(
                "Could not record the e-mail as sent",
                extra={"attempt": attempt, "error": type(exc).__name__},
            )
    return False
