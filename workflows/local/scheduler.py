"""Fires the catalog's schedules on the embedded runtime (EventBridge Scheduler's job on AWS).

Schedules follow the wall clock, not the runtime's time scale: the 02:00 UTC sync fires
at 02:00 UTC. Each firing starts the workflow with the schedule's input under a name
made from the fire time, so a firing is never doubled.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from workflows.catalog import Schedule, Workflow, schedules
from workflows.cron import next_fire_time

log = logging.getLogger(__name__)

Starter = Callable[[str, dict[str, Any], str], str]


class Scheduler:
    """A daemon thread that sleeps until the next schedule is due, then starts it."""

    def __init__(self, start_execution: Starter) -> None:
        self._start_execution = start_execution
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wecare-scheduler", daemon=True)
        self.fired: list[str] = []

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def next_firings(
        self, now: datetime | None = None
    ) -> list[tuple[datetime, Workflow, Schedule]]:
        now = now or datetime.now(UTC)
        return sorted(
            ((next_fire_time(s.cron_fields, now), w, s) for w, s in schedules()),
            key=lambda firing: firing[0],
        )

    def fire(self, workflow: Workflow, schedule: Schedule, at: datetime) -> str:
        arn = self._start_execution(workflow.name, schedule.input, schedule.execution_name(at))
        self.fired.append(arn)
        log.info("Schedule %s started %s", schedule.name, arn)
        return arn

    def _run(self) -> None:
        while not self._stop.is_set():
            firings = self.next_firings()
            if not firings:
                return
            due = firings[0][0]
            if self._stop.wait((due - datetime.now(UTC)).total_seconds()):
                return
            for at, workflow, schedule in firings:
                if at == due:
                    try:
                        self.fire(workflow, schedule, at)
                    except Exception:
                        log.exception(
                            "Schedule %s could not start %s", schedule.name, workflow.name
                        )
