"""Record why a notification failed, give the claim back, and tell operations when the
event is about to land in the dead-letter queue.

The execution then fails, so the pipe leaves the message on the queue: it comes back
after the visibility timeout and, after ``maxReceiveCount`` (5) receives, moves to the
dead-letter queue. Operations hear of it once, on the last receive (or at once when
the execution was started by hand, outside any queue).
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.environment import setting
from tasks.common.errors import TaskError, cause_message
from tasks.common.mail import send_email
from tasks.message_notify.claims import give_back
from tasks.message_notify.delivery import Delivery, unwrap

logger = Logger(service="message-notify")

DEFAULT_MAX_RECEIVE_COUNT = 5  # the notify queues' redrive policy (workflows.resources)
# A duplicate's failure: the execution holding the claim reports its own outcome.
NOT_REPORTED = {"NotificationInProgress", "NotificationClaimLost"}
# Errors our steps raise before SES has accepted the e-mail: the claim can be given back.
# After any other error (a step that timed out, a Lambda failure) the e-mail may have gone:
# the claim is kept until its lease ends, and by then a late send has recorded it.
NOT_SENT_ERRORS = {
    "EmailRejected",
    "ServiceThrottled",
    "ServiceUnavailable",
    "ConfigurationError",
    "InvalidNotificationEvent",
}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state = event["state"]
    error = state.get("error") or {}
    name = str(error.get("Error") or "States.Runtime")
    cause = cause_message(str(error.get("Cause") or ""))
    delivery = _delivery(state.get("delivery"))
    notification = state.get("notification") or {}
    fallback_id = delivery.detail.get("eventId", "") if delivery else ""
    event_id = str(notification.get("eventId") or fallback_id or "")
    logger.append_keys(eventId=event_id, execution=event.get("executionArn"), error=name)

    email_sent = "sent" in state
    token = (notification.get("claim") or {}).get("token")
    not_sent = not email_sent and name in NOT_SENT_ERRORS
    released = bool(token) and not_sent and give_back(event_id, token, name, cause)

    receive_count = delivery.receive_count if delivery else None
    last_try = receive_count is None or receive_count >= max_receive_count()
    report = email_sent or (last_try and name not in NOT_REPORTED)
    ops_notified = report and _tell_operations(
        event_id, name, cause, delivery, notification, email_sent, event.get("executionArn", "")
    )
    logger.warning(
        "Notification failed",
        extra={"released": released, "receiveCount": receive_count, "opsNotified": ops_notified},
    )
    return {
        "eventId": event_id,
        "error": name,
        "cause": cause or name,
        "claimReleased": released,
        "emailSent": email_sent,
        "opsNotified": ops_notified,
    }


def max_receive_count() -> int:
    return int(os.environ.get("NOTIFY_MAX_RECEIVE_COUNT", DEFAULT_MAX_RECEIVE_COUNT))


def _delivery(raw: Any) -> Delivery | None:
    try:
        return unwrap(raw)
    except TaskError:
        return None


def _tell_operations(
    event_id: str,
    error: str,
    cause: str,
    delivery: Delivery | None,
    notification: dict[str, Any],
    email_sent: bool,
    execution: str,
) -> bool:
    detail = notification.get("event") or (delivery.detail if delivery else {})
    queue = delivery.queue if delivery else ""
    if email_sent:
        what = (
            "The e-mail was SENT but could not be recorded as sent. If the queue delivers "
            "the event again after the claim's lease, it may be e-mailed a second time."
        )
    else:
        what = "The notification e-mail was NOT sent."
    lines = [
        what,
        "",
        f"Error:        {error}",
        f"Cause:        {cause}",
        f"Event id:     {event_id or '(unreadable event)'}",
        f"Direction:    {detail.get('direction', '?')}",
        f"Tenant:       {(detail.get('business') or {}).get('tenantId', '?')}",
        f"Queue:        {queue or '(started by hand)'}",
        f"Receives:     {delivery.receive_count if delivery and delivery.receive_count else '-'}",
        f"Execution:    {execution}",
        "",
        "What to do:",
    ]
    if queue:
        lines += [
            f"  - The message now moves to the dead-letter queue {queue}-dlq.",
            "  - Fix the cause (SES identity and sending limits, the event's shape), then",
            f"    move it back: wecare-flows redrive-dlq {queue}",
        ]
    lines.append(f"  - Read the execution: wecare-flows history {execution}")
    subject = f"[WECARE] Message notification failed: {error} ({event_id or 'unreadable'})"
    try:
        send_email([setting("OPS_NOTIFY_TO")], subject, "\n".join(lines) + "\n")
    except TaskError as exc:
        logger.error("Could not tell operations", extra={"mailError": type(exc).__name__})
        return False
    return True
