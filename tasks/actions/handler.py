"""Entry point of the action Lambda: validates ``action`` and dispatches it.

A bad payload is answered, not raised: ``{"ok": false, "error": ..., "message": ...}``,
so ``aws lambda invoke`` prints a readable reason in response.json.
"""

from __future__ import annotations

import importlib
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.actions.registry import ACTIONS
from tasks.common.errors import TaskError

logger = Logger(service="actions")

# Each module registers its actions when imported.
ACTION_MODULES = (
    "tasks.actions.basics", "tasks.actions.messaging", "tasks.actions.payments",
    "tasks.actions.profile", "tasks.actions.templates",
)
for _module in ACTION_MODULES:
    importlib.import_module(_module)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    name = event.get("action") if isinstance(event, dict) else None
    if not isinstance(name, str) or name not in ACTIONS:
        known = ", ".join(sorted(ACTIONS))
        return _refused("UnknownAction", f"action {name!r} is not known; the actions are: {known}")
    logger.append_keys(action=name, tenant=event.get("tenantId") or event.get("metaWabaId"))
    try:
        result = ACTIONS[name].function(event, context)
    except TaskError as error:
        logger.info("Action refused", extra={"error": type(error).__name__})
        return _refused(type(error).__name__, str(error))
    logger.info("Action done")
    return {"ok": True, "action": name, **result}


def _refused(error: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": error, "message": message}
