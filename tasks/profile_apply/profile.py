"""A WhatsApp business profile: its fields, Meta's limits, and what differs between two.

Limits (Meta, business profiles): ``about`` 1 to 139 characters, ``address`` ≤ 256,
``description`` ≤ 512, ``email`` ≤ 128, ``websites`` at most 2, each ≤ 256 and starting
with ``http://`` or ``https://``, ``vertical`` one of Meta's industry codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tasks.profile_apply.errors import InvalidProfile

PROFILE_FIELDS = ("about", "address", "description", "email", "websites", "vertical")
FIELD_LABELS = {
    "about": "About",
    "address": "Address",
    "description": "Description",
    "email": "E-mail",
    "websites": "Websites",
    "vertical": "Industry (vertical)",
}
TEXT_LIMITS = {"about": (1, 139), "address": (0, 256), "description": (0, 512), "email": (0, 128)}
MAX_WEBSITES = 2
MAX_WEBSITE_LENGTH = 256
VERTICALS = (
    "ALCOHOL", "APPAREL", "AUTO", "BEAUTY", "EDU", "ENTERTAIN", "EVENT_PLAN", "FINANCE",
    "GOVT", "GROCERY", "HEALTH", "HOTEL", "NONPROFIT", "ONLINE_GAMBLING", "OTC_DRUGS",
    "OTHER", "PHYSICAL_GAMBLING", "PROF_SERVICES", "RESTAURANT", "RETAIL", "TRAVEL",
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def validate_profile(requested: dict[str, Any]) -> dict[str, Any]:
    """The requested fields, checked against Meta's limits.

    Raises
    ------
    InvalidProfile
        Naming every field that breaks a limit, and the limit.
    """
    fields = {name: requested[name] for name in PROFILE_FIELDS if name in requested}
    if not fields:
        raise InvalidProfile(
            f"no profile field to change; give at least one of: {', '.join(PROFILE_FIELDS)}"
        )
    problems = [problem for name, value in fields.items() for problem in _check(name, value)]
    if problems:
        raise InvalidProfile("; ".join(problems))
    return fields


def _check(name: str, value: Any) -> list[str]:
    if name == "websites":
        return _check_websites(value)
    if not isinstance(value, str):
        return [f"{name} must be text, not {type(value).__name__}"]
    if name == "vertical":
        if value not in VERTICALS:
            return [f"vertical {value!r} is not one of Meta's verticals: {', '.join(VERTICALS)}"]
        return []
    low, high = TEXT_LIMITS[name]
    length = len(value)
    if length > high or length < low:
        allowed = f"{low} to {high}" if low else f"at most {high}"
        return [f"{name} has {length:,} characters; WhatsApp allows {allowed}"]
    if name == "email" and value and not EMAIL.match(value):
        return [f"email {value!r} is not an e-mail address"]
    return []


def _check_websites(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(url, str) for url in value):
        return ["websites must be a list of URLs"]
    if len(value) > MAX_WEBSITES:
        return [f"websites has {len(value)} entries; WhatsApp allows at most {MAX_WEBSITES}"]
    problems = []
    for index, url in enumerate(value):
        if len(url) > MAX_WEBSITE_LENGTH:
            problems.append(
                f"websites[{index}] has {len(url):,} characters; "
                f"WhatsApp allows at most {MAX_WEBSITE_LENGTH}"
            )
        elif not WEBSITE.match(url):
            problems.append(f"websites[{index}] {url!r} must start with http:// or https://")
    return problems


@dataclass(frozen=True)
class FieldChange:
    """One line of the diff: a field, its last applied value, and the requested one."""

    field: str
    label: str
    applied: Any
    requested: Any
    applied_known: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "applied": self.applied,
            "requested": self.requested,
            "appliedKnown": self.applied_known,
        }


def profile_diff(applied: dict[str, Any] | None, requested: dict[str, Any]) -> list[FieldChange]:
    """The requested fields whose value differs from the last applied profile.

    With no applied profile on record every requested field is listed, its current value
    unknown (the console may hold anything).
    """
    changes = []
    for name in PROFILE_FIELDS:
        if name not in requested:
            continue
        known = applied is not None and name in applied
        before = applied.get(name) if known and applied is not None else None
        if known and before == requested[name]:
            continue
        changes.append(FieldChange(name, FIELD_LABELS[name], before, requested[name], known))
    return changes


def display_value(value: Any) -> str:
    """A field value as a person reads it: websites one per line, empty shown as such."""
    if value is None:
        return "(not recorded)"
    if isinstance(value, list):
        return "\n".join(value) if value else "(none)"
    return value if value != "" else "(empty)"
