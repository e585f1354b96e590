"""Errors a task raises, named so the ASL ``Retry`` and ``Catch`` blocks can match them.

Step Functions matches an error by the exception's class name (``errorType``), not by
its base class, so every ASL file lists the exact names below.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import ClientError


class TaskError(Exception):
    """Base of every error a task raises on purpose."""


class ServiceThrottled(TaskError):
    """An AWS API throttled the call; the ASL retries it with backoff."""


class ServiceUnavailable(TaskError):
    """An AWS API failed on its side (5xx); the ASL retries it with backoff."""


class InvalidInput(TaskError):
    """The execution's input is wrong; retrying cannot help."""


class ConfigurationError(TaskError):
    """The deployment is missing a setting or a resource; retrying cannot help."""


THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "ThrottledRequest",
        "ThrottledRequestException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
    }
)
UNAVAILABLE_CODES = frozenset(
    {
        "InternalServerException",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "DependencyException",
        "InternalServerError",
    }
)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def transient_error(exc: ClientError, what: str) -> TaskError | None:
    """The retryable task error for a throttled or failed AWS call, or None."""
    code = error_code(exc)
    message = exc.response.get("Error", {}).get("Message", "")
    if code in THROTTLING_CODES:
        return ServiceThrottled(f"{what}: throttled ({code}): {message}")
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if code in UNAVAILABLE_CODES or status >= 500:
        return ServiceUnavailable(f"{what}: service error ({code}): {message}")
    return None



@contextmanager
def aws_call(what: str) -> Iterator[None]:
    """Around one AWS call: throttling and service errors leave as the task errors the ASL
    retries (``ServiceThrottled``, ``ServiceUnavailable``); any other error passes as is."""
    try:
        yield
    except ClientError as exc:
        transient = transient_error(exc, what)
        if transient is None:
            raise
        raise transient from exc


def cause_message(cause: str) -> str:
    """The message in a Step Functions error's ``Cause``: a Lambda error's cause is JSON
    holding ``errorMessage``; any other cause is plain text."""
    try:
        parsed = json.loads(cause)
    except (TypeError, ValueError):
        return cause
    return str(parsed.get("errorMessage", cause)) if isinstance(parsed, dict) else cause


def caught_message(error: dict[str, Any] | None) -> str:
    """The message of an error a ``Catch`` put in the state (``{"Error", "Cause"}``)."""
    return cause_message(str((error or {}).get("Cause") or ""))
