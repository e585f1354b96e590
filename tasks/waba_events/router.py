"""Which handler takes each kind of change (Meta's ``field``) of a WABA event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A change handler gets the envelope (SNS message without the entry), the Meta entry's
# ``id`` (the Meta WABA id), and the change's ``value``.
ChangeHandler = Callable[["WabaChange"], dict[str, Any] | None]


@dataclass(frozen=True)
class WabaChange:
    field: str
    value: dict[str, Any]
    meta_waba_id: str
    envelope: dict[str, Any]


FIELD_HANDLERS: dict[str, ChangeHandler] = {}


def on_field(field: str) -> Callable[[ChangeHandler], ChangeHandler]:
    """Register ``function`` for changes whose ``field`` is ``field``."""

    def register(function: ChangeHandler) -> ChangeHandler:
        if field in FIELD_HANDLERS:
            raise ValueError(f"field {field} has two handlers")
        FIELD_HANDLERS[field] = function
        return function

    return register
