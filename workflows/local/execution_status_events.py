"""Step Functions "Execution Status Change" events, delivered to the functions that watch
them (the catalog's ``execution-status`` service functions).

On AWS, Step Functions puts one such event on the default EventBridge bus whenever an
execution ends, and a rule per watching function sends the statuses it asks for to it.
moto puts none, and its EventBridge has no Lambda targets, so this feature hooks the end
of every execution of moto's interpreter and invokes the watching functions with the
event AWS would send, on a thread of its own (EventBridge delivers asynchronously).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication

from workflows.catalog import SERVICE_FUNCTIONS, ServiceFunction

log = logging.getLogger(__name__)

DETAIL_TYPE = "Step Functions Execution Status Change"
_moto_reflect = BaseExecutionWorkerCommunication._reflect_execution_status
_listeners: list[ExecutionStatusEvents] = []
_installed = False


def _reflect_and_announce(self: BaseExecutionWorkerCommunication) -> None:
    _moto_reflect(self)
    for listener in list(_listeners):
        listener.execution_ended(self.execution)


def _millis(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def ended_status(execution: Any) -> str:
    """SUCCEEDED, FAILED, ABORTED or TIMED_OUT, of moto's execution object."""
    return str(getattr(execution.exec_status, "value", execution.exec_status))


def status_change_event(execution: Any, account_id: str, region: str) -> dict[str, Any]:
    """The EventBridge event Step Functions sends when ``execution`` (moto's) has ended."""
    status = ended_status(execution)
    error, cause = execution.error, execution.cause
    if status == "ABORTED":  # StopExecution's error and cause live on the program state
        stopped = execution.exec_worker.env.program_state()
        error, cause = getattr(stopped, "error", None), getattr(stopped, "cause", None)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": DETAIL_TYPE,
        "source": "aws.states",
        "account": account_id,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [execution.execution_arn],
        "detail": {
            "executionArn": execution.execution_arn,
            "stateMachineArn": execution.state_machine_arn,
            "name": execution.name,
            "status": status,
            "startDate": _millis(execution.start_date),
            "stopDate": _millis(execution.stop_date),
            "input": execution.execution_input,
            "output": execution.output,
            "error": error or None,
            "cause": cause or None,
        },
    }


class ExecutionStatusEvents:
    """The runtime feature: one subscription per watching function."""

    def __init__(self, functions: tuple[ServiceFunction, ...] = SERVICE_FUNCTIONS) -> None:
        self.watchers = [f for f in functions if f.trigger == "execution-status"]
        self.runtime: Any = None
        self._arns: dict[str, str] = {}  # state machine ARN -> workflow name
        # (function, event, its answer), for tests and for `wecare-flows` users reading logs
        self.delivered: list[tuple[str, dict[str, Any], Any]] = []

    def start(self, runtime: Any) -> None:
        global _installed
        if not _installed:
            BaseExecutionWorkerCommunication._reflect_execution_status = _reflect_and_announce
            _installed = True
        self.runtime = runtime
        self._arns = {arn: name for name, arn in runtime.state_machine_arns.items()}
        _listeners.append(self)

    def stop(self, runtime: Any) -> None:
        if self in _listeners:
            _listeners.remove(self)

    def execution_ended(self, execution: Any) -> None:
        workflow = self._arns.get(execution.state_machine_arn)
        if workflow is None:
            return  # another runtime's execution
        status = ended_status(execution)
        watchers = [f for f in self.watchers
                    if workflow in f.watches and status in f.ended_statuses]
        if not watchers:
            return
        event = status_change_event(execution, self.runtime.account_id, self.runtime.region)
        for function in watchers:
            threading.Thread(
                target=self._deliver, args=(function.name, event),
                name=f"status-event-{function.name}", daemon=True,
            ).start()

    def _deliver(self, function_name: str, event: dict[str, Any]) -> None:
        answer: Any = None
        try:
            response = self.runtime.client("lambda").invoke(
                FunctionName=function_name, Payload=json.dumps(event).encode()
            )
            answer = json.loads(response["Payload"].read() or b"null")
            if "FunctionError" in response:
                log.warning("%s failed on %s: %s", function_name,
                            event["detail"]["executionArn"], str(answer)[:500])
        except Exception:  # the runtime may be stopping; EventBridge would retry
            log.exception("delivering %s to %s failed", DETAIL_TYPE, function_name)
        self.delivered.append((function_name, event, answer))


def execution_status_events(runtime: Any) -> ExecutionStatusEvents:
    """The runtime's feature (tests read what it delivered)."""
    return next(f for f in runtime.features if isinstance(f, ExecutionStatusEvents))
