"""``ping`` and ``list_actions`` (runbook section 10)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.actions.registry import ACTIONS, action


@action("ping", "Health check")
def ping(payload: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {"status": "ok", "function": context.function_name,
            "time": datetime.now(UTC).isoformat()}


@action("list_actions", "List every action this function answers")
def list_actions(payload: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return {"actions": [{"action": name, "summary": entry.summary}
                        for name, entry in sorted(ACTIONS.items())]}
