"""Trying again inside one task, for the few steps that must not fail once their effect
is out (an e-mail sent, a WhatsApp message accepted); anything else is retried by the
ASL, where each attempt shows in the execution history."""

from __future__ import annotations

import time
from collections.abc import Iterator


def attempts(count: int, backoff_seconds: float) -> Iterator[int]:
    """Attempt numbers 1 to ``count``; before each one after the first, a sleep that
    starts at ``backoff_seconds`` and doubles."""
    for attempt in range(1, count + 1):
        if attempt > 1:
            time.sleep(backoff_seconds * 2 ** (attempt - 2))
        yield attempt
