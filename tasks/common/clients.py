"""AWS clients, made once per Lambda container and reused across invocations."""

from __future__ import annotations

import functools
from typing import Any

import boto3


@functools.cache
def client(service: str) -> Any:
    return boto3.client(service)


@functools.cache
def table() -> Any:
    """The project's single DynamoDB table (``TABLE_NAME``)."""
    from tasks.common.environment import setting

    return boto3.resource("dynamodb").Table(setting("TABLE_NAME"))


def forget_clients() -> None:
    """Drop cached clients (the local runtime calls this when it resets its services)."""
    client.cache_clear()
    table.cache_clear()
