"""Example values: Meta reviews a template with them, so every variable needs one.

Positional variables take a list (``body_text: [["v1", "v2"]]``, ``header_text: ["v1"]``);
named ones take ``*_named_params: [{"param_name": ..., "example": ...}]``.
"""

from __future__ import annotations

import json
from typing import Any

from tasks.templates.problems import Problems
from tasks.templates.variables import Variables, mustache


def check_examples(
    component: str, key: str, variables: Variables, example: Any, problems: Problems
) -> None:
    """``key`` is ``body_text`` or ``header_text``; checks the values for ``variables``."""
    wanted = variables.distinct()
    if not wanted:
        return
    example = example if isinstance(example, dict) else {}
    if variables.named:
        _check_named(component, f"{key}_named_params", wanted, example, problems)
    else:
        _check_positional(component, key, wanted, example, problems)


def _check_positional(
    component: str, key: str, wanted: list[str], example: dict[str, Any], problems: Problems
) -> None:
    listed = ", ".join(mustache(n) for n in wanted)
    values = example.get(key)
    if key == "body_text" and isinstance(values, list) and values:
        values = values[0]
    if values is None:
        placeholder = [f"example for {mustache(n)}" for n in wanted]
        shape = [placeholder] if key == "body_text" else placeholder
        problems.add(
            component, "example values", listed,
            f"the text uses {listed} but gives no example values; add "
            f'"example": {{"{key}": {json.dumps(shape)}}} to the {component} component',
        )
        return
    if not isinstance(values, list) or len(values) != len(wanted):
        count = len(values) if isinstance(values, list) else 0
        problems.add(
            component, "example values", values,
            f"{key} has {count} example value(s) for {len(wanted)} variable(s) ({listed}); "
            "give one value per variable, in order",
        )
        return
    for number, value in zip(wanted, values, strict=True):
        if not isinstance(value, str) or not value.strip():
            problems.add(
                component, "example values", value,
                f"the example for {mustache(number)} is empty; give a realistic value",
            )


def _check_named(
    component: str, key: str, wanted: list[str], example: dict[str, Any], problems: Problems
) -> None:
    given = {
        item.get("param_name"): item.get("example")
        for item in example.get(key) or []
        if isinstance(item, dict)
    }
    for name in wanted:
        value = given.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.add(
                component, "example values", mustache(name),
                f"{mustache(name)} has no example value; add "
                f'{{"param_name": "{name}", "example": "..."}} to "example": {{"{key}": [...]}}',
            )
