"""DynamoDB calls one at a time on the embedded runtime, so conditional writes hold.

moto 5.2.5 runs ``TransactWriteItems`` by deep-copying each table it touches and, when a
condition fails, putting the copy back: a write another thread made meanwhile is lost,
and a copy taken while another thread writes can fail with ``RuntimeError``. DynamoDB
itself applies conditional writes and transactions atomically; one lock around moto's
table operations gives the same guarantee locally (the approval links rely on it).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

OPERATIONS = (
    "get_item", "put_item", "update_item", "delete_item", "query", "scan",
    "batch_get_item", "batch_write_item", "transact_get_items", "transact_write_items",
)
_LOCK = threading.RLock()
_installed = False


def _serialized(operation: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(operation)
    def call(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return operation(*args, **kwargs)

    return call


def install() -> None:
    """Wrap moto's DynamoDB table operations in one process-wide lock (once)."""
    global _installed
    if _installed:
        return
    for name in OPERATIONS:
        if hasattr(DynamoDBBackend, name):
            setattr(DynamoDBBackend, name, _serialized(getattr(DynamoDBBackend, name)))
    _installed = True
