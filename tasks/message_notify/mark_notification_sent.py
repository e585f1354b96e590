"""Record the event as e-mailed (``status=SENT``) when the send step could not: every
later delivery is skipped. Retried by the ASL; the e-mail itself is never sent again."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.message_notify.claims import SENT, record_sent

logger = Logger(service="message-notify")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event_id = event["eventId"]
    logger.append_keys(eventId=event_id)
    ses_message_id = event["sesMessageId"]
    if not record_sent(
        event_id, event["claimToken"], event["event"], event["email"], ses_message_id
    ):
        logger.warning("The claim had been taken over: the e-mail may have gone twice")
    return {"eventId": event_id, "status": SENT, "sesMessageId": ses_message_id}
