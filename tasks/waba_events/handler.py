"""SNS subscriber of the WABA event destination: unwraps each entry, routes each change."""

from __future__ import annotations

import importlib
import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.waba_events.router import FIELD_HANDLERS, WabaChange

logger = Logger(service="waba-events")

# Each module registers its change handlers when imported.
CHANGE_MODULES: tuple[str, ...] = (
    "tasks.messages.inbound", "tasks.templates.status_events",
)
for _module in CHANGE_MODULES:
    importlib.import_module(_module)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    results = []
    for record in event.get("Records", []):
        envelope = json.loads(record["Sns"]["Message"])
        for change in changes(envelope):
            routed = FIELD_HANDLERS.get(change.field)
            if routed is None:
                logger.info("No handler for this change", extra={"field": change.field})
                results.append({"field": change.field, "handled": False})
                continue
            results.append({"field": change.field, "handled": True, "result": routed(change)})
    return {"changes": results}


def changes(envelope: dict[str, Any]) -> list[WabaChange]:
    """The changes of the one Meta entry that ``whatsAppWebhookEntry`` holds as a string."""
    entry = envelope.get("whatsAppWebhookEntry")
    if isinstance(entry, str):
        entry = json.loads(entry)
    if not isinstance(entry, dict):
        logger.warning("SNS message without a webhook entry")
        return []
    rest = {k: v for k, v in envelope.items() if k != "whatsAppWebhookEntry"}
    return [
        WabaChange(
            field=change.get("field", ""),
            value=change.get("value") or {},
            meta_waba_id=str(entry.get("id", "")),
            envelope=rest,
        )
        for change in entry.get("changes", [])
    ]
