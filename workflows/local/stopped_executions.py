"""``StopExecution`` of an execution that waits on a task token, as AWS does it.

In moto 5.2.5 a stopped execution that waits in a ``.waitForTaskToken`` state keeps
waiting until the token's timeout (seven days for an approval), shown as RUNNING; and
when the wait then ends, the state's error replaces the stop, so the execution ends
FAILED instead of ABORTED. These patches release the execution's task-token waits when
it is stopped, keep a stopped execution stopped, and keep out of its history what the
released waits would add after the stop (a ``TaskTimedOut`` AWS does not show), so the
history ends with ``ExecutionAborted`` right after the last event before the stop. moto
also drops the ``error`` and ``cause`` given to ``StopExecution``; they are passed on to
``ExecutionAborted``, where an auditor reads who stopped it and why.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.stepfunctions.exceptions import ExecutionDoesNotExist
from moto.stepfunctions.models import StepFunctionBackend
from moto.stepfunctions.parser.api import HistoryEventType
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
from moto.stepfunctions.responses import StepFunctionResponse

_moto_set_stop = Environment.set_stop
_moto_set_error = Environment.set_error
_moto_add_event = EventManager.add_event
_installed = False
_STOPPED = "_wecare_stopped"


def _set_stop_and_release_waits(self: Environment, stop_date: Any, cause: Any, error: Any) -> None:
    setattr(self.event_manager, _STOPPED, True)
    _moto_set_stop(self, stop_date, cause, error)
    for endpoint in list(self.callback_pool_manager._pool.values()):
        endpoint.interrupt_all()


def _set_error_unless_stopped(self: Environment, error: Any) -> None:
    if isinstance(self.program_state(), ProgramStopped):
        return
    _moto_set_error(self, error)


def _add_event_unless_stopped(
    self: EventManager, context: Any, event_type: Any, *args: Any, **kwargs: Any
) -> int:
    if getattr(self, _STOPPED, False) and event_type != HistoryEventType.ExecutionAborted:
        return int(context.last_published_event_id or 0)
    return _moto_add_event(self, context, event_type, *args, **kwargs)


def _stop_execution_with_reason(self: Any) -> ActionResult:
    """``StopExecution`` that passes on its ``error`` and ``cause``."""
    arn = self._get_param("executionArn")
    backend: StepFunctionBackend = self.stepfunction_backend
    backend._validate_execution_arn(arn)
    state_machine = backend._get_state_machine_for_execution(arn)
    execution = next((e for e in state_machine.executions if e.execution_arn == arn), None)
    if execution is None:
        raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
    execution.stop(
        stop_date=utcnow(),
        error=self._get_param("error") or "",
        cause=self._get_param("cause") or "",
    )
    return ActionResult({"stopDate": execution.stop_date})


def install() -> None:
    """Patch moto's interpreter once per process."""
    global _installed
    if _installed:
        return
    Environment.set_stop = _set_stop_and_release_waits
    Environment.set_error = _set_error_unless_stopped
    EventManager.add_event = _add_event_unless_stopped  # type: ignore[method-assign]
    StepFunctionResponse.stop_execution = _stop_execution_with_reason  # type: ignore[method-assign]
    _installed = True
