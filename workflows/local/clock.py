"""Time scaling for the embedded runtime.

moto's interpreter sleeps for real in four places: Wait states, the interval before a
``Retry``, a task's ``TimeoutSeconds`` and a task token's timeout and heartbeat (and the
execution's own ``TimeoutSeconds``). Each is patched to wait ``seconds * scale``, so with
a scale of 0.001 a 7-day approval deadline passes in about ten minutes and a 30-minute
ingestion job in under two seconds. The local stand-ins read the same clock.
"""

from __future__ import annotations

import threading
import time
import types
from typing import Any

from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.program import program
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function
from moto.stepfunctions.parser.asl.eval.callback import callback


class Clock:
    """Simulated time: ``scale`` real seconds pass for every simulated second.

    A handler's own run time is real, not simulated, so a task's ``TimeoutSeconds`` is
    never scaled below ``task_floor_seconds`` (or the timeout itself, if shorter).
    """

    def __init__(self, scale: float = 1.0, task_floor_seconds: float = 3.0) -> None:
        self.scale = scale
        self.task_floor_seconds = task_floor_seconds

    def real_seconds(self, simulated: float | None) -> float | None:
        return None if simulated is None else max(0.0, simulated * self.scale)

    def simulated_seconds(self, real: float) -> float:
        return real / self.scale if self.scale else float("inf")

    def sleep(self, simulated: float) -> None:
        time.sleep(self.real_seconds(simulated) or 0.0)


CLOCK = Clock()


class ScaledEvent(threading.Event):
    """An Event whose ``wait(timeout)`` counts the timeout in simulated seconds."""

    def wait(self, timeout: float | None = None) -> bool:
        return super().wait(CLOCK.real_seconds(timeout))


class TaskTimeoutEvent(threading.Event):
    """The Event a task's ``TimeoutSeconds`` is waited on: scaled, with a real floor."""

    def wait(self, timeout: float | None = None) -> bool:
        if timeout is None:
            return super().wait()
        floor = min(timeout, CLOCK.task_floor_seconds)
        return super().wait(max(CLOCK.real_seconds(timeout) or 0.0, floor))


class ScaledThread(threading.Thread):
    """A Thread whose ``join(timeout)`` counts the timeout in simulated seconds.

    It waits on an execution's own ``TimeoutSeconds``, which covers its tasks' real run
    time: like a task's timeout it is never scaled below the task floor (an Express
    workflow's 30 s would otherwise end it after 30 ms at a scale of 0.001).
    """

    def join(self, timeout: float | None = None) -> None:
        if timeout is None:
            super().join()
            return
        floor = min(timeout, CLOCK.task_floor_seconds)
        super().join(max(CLOCK.real_seconds(timeout) or 0.0, floor))


def _scaled_wait_interval(self: Any, env: Any, wait_seconds: float) -> None:
    """A Wait state: wait the scaled time, or until the execution stops running."""
    deadline = time.monotonic() + (CLOCK.real_seconds(wait_seconds) or 0.0)
    while env.is_running():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        if env.program_state_event.wait(remaining) and env.is_running():
            # The event was set for another reason: keep waiting without spinning.
            time.sleep(min(remaining, 0.005))


_installed = False


def install() -> None:
    """Patch moto's interpreter to wait on :data:`CLOCK` (once per process)."""
    global _installed
    if _installed:
        return
    wait_function.WaitFunction._wait_interval = _scaled_wait_interval
    retrier_decl.time = types.SimpleNamespace(sleep=CLOCK.sleep, time=time.time)
    execute_state.threading = types.SimpleNamespace(Event=TaskTimeoutEvent, Thread=threading.Thread)
    program.threading = types.SimpleNamespace(Thread=ScaledThread, Event=threading.Event)
    callback.Event = ScaledEvent
    _installed = True
