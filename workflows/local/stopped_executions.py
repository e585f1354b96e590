"""``StopExecution`` of an execution that waits on a task token, as AWS does it.

In moto 5.2.5 a stopped execution that waits in a ``.waitForTaskToken`` state keeps
waiting until the token's timeout (seven days for an approval), shown as RUNNING; and
when the wait then ends, the state's error replaces the stop, so the execution ends
FAILED instead of ABORTED. These patches release the execution's task-token waits when
it is stopped and keep a stopped execution stopped.
"""

from __future__ import annotations

from typing import Any

from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped

_moto_set_stop = Environment.set_stop
_moto_set_error = Environment.set_error
_installed = False


def _set_stop_and_release_waits(self: Environment, stop_date: Any, cause: Any, error: Any) -> None:
    # TODO: the released wait still adds a TaskTimedOut event before ExecutionAborted, which
    # AWS does not; the timeline shows it. Silencing it means patching execute_state too.
    _moto_set_stop(self, stop_date, cause, error)
    for endpoint in list(self.callback_pool_manager._pool.values()):
        endpoint.interrupt_all()


def _set_error_unless_stopped(self: Environment, error: Any) -> None:
    if isinstance(self.program_state(), ProgramStopped):
        return
    _moto_set_error(self, error)


def install() -> None:
    """Patch moto's interpreter once per process."""
    global _installed
    if _installed:
        return
    Environment.set_stop = _set_stop_and_release_waits
    Environment.set_error = _set_error_unless_stopped
    _installed = True
