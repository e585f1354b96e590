"""Read the delivered message event and claim it: the first step of message-notify.

Returns ``claim.status`` CLAIMED (this execution sends the e-mail) or ALREADY_SENT (a
duplicate: the workflow ends without sending). While another execution holds the claim
it raises ``NotificationInProgress``, which the ASL retries and the queue redelivers.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from tasks.common.masking import mask_phone
from tasks.message_notify.claims import claim, facts
from tasks.message_notify.delivery import unwrap
from tasks.message_notify.errors import InvalidNotificationEvent
from tasks.messages.schema import MessageEvent
from tasks.messages.validation import readable

logger = Logger(service="message-notify")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    execution = str(event.get("executionArn", ""))
    delivery = unwrap(event.get("delivery"))
    logger.append_keys(execution=execution, eventId=delivery.detail.get("eventId"))
    try:
        message_event = MessageEvent.model_validate(delivery.detail)
    except ValidationError as exc:
        raise InvalidNotificationEvent(f"not a message event: {readable(exc)}") from exc
    logger.append_keys(
        tenant=message_event.business.tenantId,
        direction=message_event.direction,
        customer=mask_phone(message_event.customer.number),
        receiveCount=delivery.receive_count,
    )

    token = execution or context.aws_request_id
    detail = message_event.model_dump()
    result = claim(message_event.eventId, token, facts(detail, token))
    logger.info("Notification claim", extra={"claim": result.status})
    return {
        "eventId": message_event.eventId,
        "claim": {"status": result.status, "token": result.token},
        "event": detail,
    }
