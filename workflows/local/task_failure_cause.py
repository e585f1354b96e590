"""Keep the ``cause`` of ``SendTaskFailure`` (moto 5.2.5 drops it).

moto's ``StepFunctionResponse.send_task_failure`` passes only ``error`` to the backend,
so a task failed through its token has no cause in the history or in a Catch's
``$.Cause``, where AWS has it. The template-submission workflow ends a rejection with
``SendTaskFailure(error="TemplateRejected", cause=<Meta's reason>)``, so it needs it.
"""

from __future__ import annotations

import inspect

from moto.core.responses import ActionResult, EmptyResult
from moto.stepfunctions.responses import StepFunctionResponse

_installed = False


def _send_task_failure(self: StepFunctionResponse) -> ActionResult:
    backend = self.stepfunction_backend
    params = {"error": self._get_param("error")}
    if "cause" in inspect.signature(backend.send_task_failure).parameters:
        params["cause"] = self._get_param("cause")  # the interpreter's backend takes it
    backend.send_task_failure(self._get_param("taskToken"), **params)
    return EmptyResult()


def install() -> None:
    """Patch moto once per process; safe to call again."""
    global _installed
    if not _installed:
        StepFunctionResponse.send_task_failure = _send_task_failure
        _installed = True
