"""Settings a task reads from its Lambda environment."""

from __future__ import annotations

import os

from tasks.common.errors import ConfigurationError


def setting(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if not value:
        raise ConfigurationError(f"environment variable {name} is not set for this function")
    return value
