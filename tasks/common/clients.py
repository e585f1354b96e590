"""AWS clients, made once per Lambda container and reused across invocations."""

from __future__ import annotations

import functools
import os
from typing import Any

import boto3
from botocore.config import Config

# Retries belong to the workflow: the ASL retries throttling and service errors with
# backoff, and each attempt shows in the execution history.
NO_SDK_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


@functools.cache
def client(service: str) -> Any:
    return boto3.client(service, config=NO_SDK_RETRIES)


def media_link_signer() -> Any:
    """The S3 client that presigns media links. ``MEDIA_LINK_ENDPOINT``, when set, is the
    host the links name (the embedded runtime's endpoint, path-style); on AWS it is unset
    and links name the bucket's S3 host. Signing makes no call."""
    return _signer(os.environ.get("MEDIA_LINK_ENDPOINT", ""))


@functools.cache
def _signer(endpoint: str) -> Any:
    if not endpoint:
        return client("s3")
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@functools.cache
def table() -> Any:
    """The project's single DynamoDB table (``TABLE_NAME``)."""
    from tasks.common.environment import setting

    return boto3.resource("dynamodb", config=NO_SDK_RETRIES).Table(setting("TABLE_NAME"))


def forget_clients() -> None:
    """Drop cached clients (the local runtime calls this when it resets its services)."""
    client.cache_clear()
    _signer.cache_clear()
    table.cache_clear()
