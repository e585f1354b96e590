"""The table of actions: name → function, and the error an unknown or bad payload gets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

Action = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


@dataclass(frozen=True)
class ActionEntry:
    function: Action
    summary: str


ACTIONS: dict[str, ActionEntry] = {}


def action(name: str, summary: str) -> Callable[[Action], Action]:
    """Register ``function`` as the handler of ``{"action": name}``."""

    def register(function: Action) -> Action:
        if name in ACTIONS:
            raise ValueError(f"action {name} is registered twice")
        ACTIONS[name] = ActionEntry(function, summary)
        return function

    return register
