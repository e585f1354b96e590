"""AWS clients, made once per Lambda container and reused across invocations."""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

# Retries belong to the workflow: the ASL retries throttling and service errors with
# backoff, and each attempt shows in the execution history.
NO_SDK_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


@functools.cache
def client(service: str) -> Any:
    return boto3.client(service, config=NO_SDK_RETRIES)


@functools.cache
def table() -> Any:
    """The project's single DynamoDB table (``TABLE_NAME``)."""
    from tasks.common.environment import setting

    return boto3.resource("dynamodb", config=NO_SDK_RETRIES).Table(setting("TABLE_NAME"))


def forget_clients() -> None:
    """Drop cached clients (the local runtime calls this when it resets its services)."""
    client.cache_clear()
    table.cache_clear()
