"""A broken template rule: which component, which rule, the value, and what to do."""

from __future__ import annotations

from dataclasses import dataclass

MAX_VALUE_SHOWN = 60


@dataclass(frozen=True)
class Problem:
    component: str
    rule: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"{self.component} · {self.rule}: {self.message}"

    def as_json(self) -> dict[str, str]:
        return {
            "component": self.component,
            "rule": self.rule,
            "value": self.value,
            "message": self.message,
        }


def shown(value: object) -> str:
    """A value as a problem quotes it: short, on one line."""
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 1] + "…"


class Problems:
    """Collects every broken rule, so a template is reported whole, not one rule per try."""

    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.warnings: list[str] = []

    def add(self, component: str, rule: str, value: object, message: str) -> None:
        self.found.append(Problem(component, rule, shown(value), message))

    def warn(self, component: str, message: str) -> None:
        self.warnings.append(f"{component}: {message}")
