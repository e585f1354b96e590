"""message-notify figures on the embedded runtime: events per second, and the time from
an event put on EventBridge to SES accepting its e-mail (p50, p99).

Two runs of ``events`` unique inbound text events each, on one runtime:

* burst: all events put at once (PutEvents, 10 per call); throughput is events over the
  time from the first put to the last e-mail; its latencies include the queueing;
* paced: events put one by one at half the burst's throughput, so the latencies are
  those of an event meeting a busy, not a saturated, pipeline.

An e-mail's time is taken when the runtime's SES (moto's SES v2 backend) accepts it;
its event is read from the ``Event id`` line of the body. Every event must be e-mailed
exactly once, or the run fails. The figures are of this machine and its load, in real
seconds; on AWS, Step Functions, SQS, Pipes and SES set them instead.

    python scripts/bench_message_notify.py [EVENTS]
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import threading
import time
from typing import Any

from moto.sesv2.models import SESV2Backend

from workflows import resources
from workflows.local.runtime import LocalRuntime
from workflows.message_samples import message_event

TIME_SCALE = 0.001
EVENT_ID = re.compile(r"Event id: ([0-9a-f-]{36})")
DEADLINE_SECONDS = 1800


class SentClock:
    """When SES accepted each event's e-mail (real, monotonic seconds)."""

    def __init__(self) -> None:
        self.sent: dict[str, list[float]] = {}
        self.lock = threading.Lock()
        self._send = SESV2Backend.send_email

    def __enter__(self) -> SentClock:
        clock = self

        def timed_send(
            backend: SESV2Backend, source: str, destinations: Any, subject: str, body: str
        ) -> Any:
            message = clock._send(backend, source, destinations, subject, body)
            match = EVENT_ID.search(body)
            if match:
                with clock.lock:
                    clock.sent.setdefault(match.group(1), []).append(time.monotonic())
            return message

        SESV2Backend.send_email = timed_send  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: Any) -> None:
        SESV2Backend.send_email = self._send  # type: ignore[method-assign]

    def count(self, event_ids: set[str]) -> int:
        with self.lock:
            return sum(1 for event in event_ids if event in self.sent)


def _entry(detail: dict[str, Any]) -> dict[str, str]:
    return {
        "Source": resources.EVENT_SOURCE,
        "DetailType": resources.INBOUND_NOTIFY_QUEUE.detail_type,
        "Detail": json.dumps(detail),
    }


def _details(runtime: LocalRuntime, count: int, prefix: str) -> list[dict[str, Any]]:
    tenant = runtime.settings.tenant("wecare-digital")
    return [
        message_event("inbound", tenant, customer=f"+9198{index:08d}", text=f"{prefix} {index}")
        for index in range(count)
    ]


def _wait(clock: SentClock, event_ids: set[str]) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while clock.count(event_ids) < len(event_ids):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{clock.count(event_ids)} of {len(event_ids)} e-mailed")
        time.sleep(0.05)


def _latencies(clock: SentClock, put_at: dict[str, float]) -> list[float]:
    duplicates = [event for event in put_at if len(clock.sent[event]) != 1]
    if duplicates:
        raise AssertionError(f"{len(duplicates)} events were e-mailed more than once")
    return sorted(clock.sent[event][0] - put_at[event] for event in put_at)


def _percentiles(latencies: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50_seconds": round(cuts[49], 3), "p99_seconds": round(cuts[98], 3)}


def burst(runtime: LocalRuntime, clock: SentClock, events: int) -> dict[str, Any]:
    details = _details(runtime, events, "burst")
    put_at: dict[str, float] = {}
    client = runtime.client("events")
    started = time.monotonic()
    for first in range(0, events, 10):
        batch = details[first : first + 10]
        now = time.monotonic()
        client.put_events(Entries=[_entry(detail) for detail in batch])
        put_at.update({detail["eventId"]: now for detail in batch})
    _wait(clock, set(put_at))
    latencies = _latencies(clock, put_at)
    took = max(clock.sent[event][0] for event in put_at) - started
    return {
        "events": events,
        "seconds": round(took, 2),
        "events_per_second": round(events / took, 1),
        **_percentiles(latencies),
    }


def paced(runtime: LocalRuntime, clock: SentClock, events: int, rate: float) -> dict[str, Any]:
    details = _details(runtime, events, "paced")
    put_at: dict[str, float] = {}
    client = runtime.client("events")
    started = time.monotonic()
    for index, detail in enumerate(details):
        pause = started + index / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        put_at[detail["eventId"]] = time.monotonic()
        client.put_events(Entries=[_entry(detail)])
    _wait(clock, set(put_at))
    return {
        "events": events,
        "rate_per_second": round(rate, 1),
        **_percentiles(_latencies(clock, put_at)),
    }


def run(events: int = 1000) -> dict[str, Any]:
    """Measure ``events`` unique events twice (burst, then paced); returns the figures."""
    with LocalRuntime(time_scale=TIME_SCALE, log_level="WARNING") as runtime, SentClock() as clock:
        burst(runtime, clock, 10)  # warm up: imports, first clients
        figures = {"burst": burst(runtime, clock, events)}
        rate = figures["burst"]["events_per_second"] / 2
        figures["paced"] = paced(runtime, clock, events, rate)
    return figures


def report(figures: dict[str, Any]) -> list[str]:
    burst_, paced_ = figures["burst"], figures["paced"]
    return [
        f"burst of {burst_['events']} events: {burst_['events_per_second']} events/s "
        f"({burst_['seconds']} s); event to e-mail p50 {burst_['p50_seconds']} s, "
        f"p99 {burst_['p99_seconds']} s (queueing included)",
        f"paced at {paced_['rate_per_second']} events/s: event to e-mail "
        f"p50 {paced_['p50_seconds']} s, p99 {paced_['p99_seconds']} s",
    ]


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print("\n".join(report(run(count))))
