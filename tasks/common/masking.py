"""Masking for what logs must not show in full."""

from __future__ import annotations


def mask_phone(number: str | None) -> str:
    """``+919330994400`` → ``+91******4400``: enough to tell numbers apart, not to dial."""
    if not number:
        return ""
    digits = number.lstrip("+")
    prefix = "+" if number.startswith("+") else ""
    if len(digits) <= 6:
        return prefix + "*" * len(digits)
    return f"{prefix}{digits[:2]}{'*' * (len(digits) - 6)}{digits[-4:]}"


def mask_email(address: str | None) -> str:
    if not address or "@" not in address:
        return ""
    local, domain = address.split("@", 1)
    return f"{local[:1]}***@{domain}"
