"""The patches that make moto's Step Functions interpreter a usable local engine.

Each fills a gap found in moto 5.2.5 (the version pinned in ``pyproject.toml``):

* executions started without a name are all named ``None`` (the AWS CLI sends no name),
  so the second one fails with ``ExecutionAlreadyExists``: give each a unique name;
* the interpreter logs a full stack trace for every failed execution: keep it quiet;
* Lambda tasks run only in Docker: run the project's handlers in-process
  (:mod:`workflows.local.lambdas`);
* every wait sleeps for real: scale it (:mod:`workflows.local.clock`);
* ``CreateStateMachine`` parses the definition with ANTLR to validate it (a quarter of a
  second each): remember the definitions already found valid, so a test's fresh runtime
  does not parse the same five files again;
* the interpreter redoes per execution what can be done once
  (:mod:`workflows.local.interpreter_speedups`);
* a queue of thousands of messages makes every send and receive slow
  (:mod:`workflows.local.queue_speedups`);
* ``SendTaskFailure`` loses its ``cause`` (:mod:`workflows.local.task_failure_cause`);
* conditional writes and transactions in DynamoDB are not atomic across threads
  (:mod:`workflows.local.serialized_dynamodb`);
* ``StopExecution`` does not end a task-token wait, and drops its error and cause
  (:mod:`workflows.local.stopped_executions`).
"""

from __future__ import annotations

import functools
import logging
import uuid
from typing import Any

from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from workflows.local import (
    clock,
    interpreter_speedups,
    lambdas,
    queue_speedups,
    serialized_dynamodb,
    stopped_executions,
    task_failure_cause,
)

_moto_start_execution = StepFunctionsParserBackend.start_execution
_installed = False


def _start_execution_with_a_name(
    self: StepFunctionsParserBackend,
    state_machine_arn: str,
    name: str | None = None,
    execution_input: str | None = None,
    trace_header: str | None = None,
) -> Any:
    return _moto_start_execution(
        self, state_machine_arn, name or str(uuid.uuid4()), execution_input, trace_header
    )


def quiet_interpreter_logs() -> None:
    for name in ("moto.stepfunctions.parser", "moto.stepfunctions"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def install() -> None:
    """Install every patch once per process; safe to call again."""
    global _installed
    if _installed:
        return
    StepFunctionsParserBackend.start_execution = _start_execution_with_a_name
    # Invalid definitions raise, and an exception is never cached.
    StepFunctionsParserBackend._validate_definition = staticmethod(
        functools.lru_cache(maxsize=64)(StepFunctionsParserBackend._validate_definition)
    )
    lambdas.install()
    interpreter_speedups.install()
    queue_speedups.install()
    task_failure_cause.install()
    serialized_dynamodb.install()
    stopped_executions.install()
    clock.install()
    quiet_interpreter_logs()
    _installed = True
