"""DynamoDB conditional writes that are atomic, as they are on AWS.

moto checks a write's ``ConditionExpression`` and then applies the write, with nothing
stopping another thread in between; requests run in parallel threads here (executions,
the endpoint, background features), so two ``attribute_not_exists`` writes of the same
key could both succeed (seen here: 2 races of 60 with eight writers). One lock around
moto's item writes makes check-and-write a single step, which idempotency records and
links that work once rely on.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
_lock = threading.RLock()
_installed = False


def _atomic(write: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(write)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return write(*args, **kwargs)

    return locked


def install() -> None:
    global _installed
    if _installed:
        return
    for name in WRITES:
        setattr(DynamoDBBackend, name, _atomic(getattr(DynamoDBBackend, name)))
    _installed = True
