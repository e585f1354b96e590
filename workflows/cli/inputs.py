"""Reading ``--input`` (inline JSON or ``@file.json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workflows.cli.errors import BadInput


def parse_input(raw: str | None) -> dict[str, Any]:
    if raw is None or raw == "":
        return {}
    source = "--input"
    if raw.startswith("@"):
        path = Path(raw[1:])
        source = f"--input file {path}"
        try:
            raw = path.read_text()
        except OSError as exc:
            raise BadInput(f"{source} cannot be read: {exc.strerror}") from exc
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{source} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            "pass a JSON object such as '{\"knowledgeBaseId\": \"WECAREKB01\"}' or @file.json"
        ) from exc
    if not isinstance(value, dict):
        raise BadInput(f"{source} must be a JSON object, not {type(value).__name__}")
    return value
