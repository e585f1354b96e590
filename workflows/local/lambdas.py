"""Task Lambdas run in-process: the project's own handlers, with a Lambda-like context.

moto runs a Lambda only in Docker. The runtime replaces
``moto.awslambda.models.LambdaFunction.invoke`` so that a function created from the
catalog runs its handler from ``tasks/`` in this process. A handler's exception comes
back as an unhandled function error whose ``errorType`` is the exception's class name,
which the interpreter raises as the ASL error, so ``Retry`` and ``Catch`` match as on AWS.
"""

from __future__ import annotations

import importlib
import json
import logging
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moto.awslambda.models import LambdaFunction

from workflows.catalog import ServiceFunction, TaskFunction

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LocalLambdaContext:
    """The attributes of AWS's ``LambdaContext`` that handlers and Powertools read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: float = field(default_factory=time.monotonic)

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self.started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


class FunctionRegistry:
    """Which handler each local Lambda function name runs, and a hook to fail on purpose."""

    def __init__(self) -> None:
        self._tasks: dict[str, TaskFunction | ServiceFunction] = {}
        self._handlers: dict[str, Handler] = {}
        self.faults: dict[str, list[BaseException]] = {}
        self.invocations: list[tuple[str, dict[str, Any]]] = []

    def register(self, task: TaskFunction | ServiceFunction) -> None:
        self._tasks[task.function_name] = task

    def knows(self, function_name: str) -> bool:
        return function_name in self._tasks

    def inject_fault(self, function_name: str, *errors: BaseException) -> None:
        """Make the next invocations of a function raise these errors, one each, in order."""
        self.faults.setdefault(function_name, []).extend(errors)

    def invoke(self, function: LambdaFunction, event: dict[str, Any]) -> tuple[Any, str | None]:
        """Run the handler; returns (payload, None) or (error payload, error type)."""
        task = self._tasks[function.function_name]
        context = LocalLambdaContext(
            function_name=task.function_name,
            invoked_function_arn=function.function_arn,
            memory_limit_in_mb=task.memory_mb,
            timeout_seconds=task.timeout_seconds,
        )
        self.invocations.append((task.function_name, event))
        try:
            pending = self.faults.get(task.function_name)
            if pending:
                raise pending.pop(0)
            return self._handler(task)(event, context), None
        except Exception as exc:
            error_type = type(exc).__name__
            log.debug("Task %s raised %s: %s", task.function_name, error_type, exc)
            return {
                "errorType": error_type,
                "errorMessage": str(exc),
                "requestId": context.aws_request_id,
                "stackTrace": traceback.format_tb(exc.__traceback__),
            }, error_type

    def _handler(self, task: TaskFunction | ServiceFunction) -> Handler:
        if task.handler not in self._handlers:
            module_name, attribute = task.handler.rsplit(".", 1)
            self._handlers[task.handler] = getattr(importlib.import_module(module_name), attribute)
        return self._handlers[task.handler]


REGISTRY = FunctionRegistry()
_moto_invoke = LambdaFunction.invoke


def _invoke_in_process(
    self: LambdaFunction, body: str, request_headers: Any, response_headers: Any
) -> str | bytes:
    if not REGISTRY.knows(self.function_name):
        return _moto_invoke(self, body, request_headers, response_headers)
    event = json.loads(body) if body else {}
    payload, error_type = REGISTRY.invoke(self, event)
    if error_type is not None:
        response_headers["x-amz-function-error"] = "Unhandled"
    response_headers["x-amz-executed-version"] = "$LATEST"
    return json.dumps(payload, default=str).encode("utf-8")


def install() -> None:
    """Route moto's Lambda invocations of catalog functions to the in-process handlers."""
    LambdaFunction.invoke = _invoke_in_process
