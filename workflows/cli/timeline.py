"""An execution's history as a timeline a person can read."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

MAX_DETAIL = 110


def _details(event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def _short(text: Any) -> str:
    text = text if isinstance(text, str) else json.dumps(text, default=str)
    text = " ".join(text.split())
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 3] + "..."


def _error_text(details: dict[str, Any]) -> str:
    cause = details.get("cause", "")
    try:
        parsed = json.loads(cause)
        if isinstance(parsed, dict) and "errorMessage" in parsed:
            cause = parsed["errorMessage"]
    except (TypeError, ValueError):
        pass
    return _short(f"{details.get('error', '')}: {cause}" if cause else details.get("error", ""))


def describe_event(event: dict[str, Any]) -> str | None:
    """One line for an event, or None for an event a reader need not see."""
    kind, details = event["type"], _details(event)
    if kind == "ExecutionStarted":
        return f"execution started   input {_short(details.get('input', '{}'))}"
    if kind.endswith("StateEntered"):
        return f"> {details.get('name')}"
    if kind.endswith("StateExited"):
        return None
    if kind.endswith(("Scheduled", "Started")) and not kind.startswith("Execution"):
        return None
    if kind.endswith("Succeeded") and not kind.startswith("Execution"):
        return f"    ok     {_short(details.get('output', ''))}"
    if kind.endswith("TimedOut") and not kind.startswith("Execution"):
        return f"    timed out  {_error_text(details)}".rstrip()
    if kind.endswith("Failed") and not kind.startswith("Execution"):
        return f"    error  {_error_text(details)}"
    if kind == "TaskSubmitted":
        return "    waiting for a callback (task token)"
    if kind == "WaitStateAborted":
        return "    wait aborted"
    if kind == "ExecutionSucceeded":
        return f"SUCCEEDED           output {_short(details.get('output', ''))}"
    if kind in ("ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"):
        word = {"ExecutionFailed": "FAILED", "ExecutionTimedOut": "TIMED_OUT"}.get(kind, "ABORTED")
        return f"{word:<19} {_error_text(details)}"
    return f"    {kind} {_short(details) if details else ''}".rstrip()


def timeline(events: list[dict[str, Any]], started: datetime | None = None) -> list[str]:
    """Lines of ``+seconds  what happened`` for the events worth reading."""
    if not events:
        return []
    origin = started or events[0]["timestamp"]
    lines = []
    for event in events:
        text = describe_event(event)
        if text is not None:
            offset = (event["timestamp"] - origin).total_seconds()
            lines.append(f"{offset:+9.2f}s  {text}")
    return lines
