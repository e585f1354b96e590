"""One way to call AWS from the messaging tasks: transient failures become the task
errors the ASL retries (``ServiceThrottled``, ``ServiceUnavailable``); others pass."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import ClientError

from tasks.common.errors import transient_error


@contextmanager
def aws_call(what: str) -> Iterator[None]:
    try:
        yield
    except ClientError as exc:
        transient = transient_error(exc, what)
        if transient is None:
            raise
        raise transient from exc
