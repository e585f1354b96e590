"""Schedules fire when their cron says; histories read as timelines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflows.catalog import KB_SYNC
from workflows.cli.timeline import timeline
from workflows.cron import next_fire_time

T0 = datetime(2026, 12, 3, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("0 2 * * ? *", T0, datetime(2026, 12, 4, 2, 0, tzinfo=UTC)),
        ("0 2 * * ? *", datetime(2026, 12, 4, 1, 59, tzinfo=UTC),
         datetime(2026, 12, 4, 2, 0, tzinfo=UTC)),
        ("0 2 * * ? *", datetime(2026, 12, 4, 2, 0, tzinfo=UTC),
         datetime(2026, 12, 5, 2, 0, tzinfo=UTC)),
        ("0 9 ? * MON-FRI *", datetime(2026, 12, 5, 10, tzinfo=UTC),  # a Saturday
         datetime(2026, 12, 7, 9, 0, tzinfo=UTC)),
        ("*/15 * * * ? *", T0 + timedelta(minutes=1), T0 + timedelta(minutes=15)),
        ("0 0 1 JAN ? *", T0, datetime(2027, 1, 1, 0, 0, tzinfo=UTC)),
    ],
)
def test_next_fire_time_follows_eventbridge_cron(expression, after, expected) -> None:
    assert next_fire_time(tuple(expression.split()), after) == expected


def test_unsupported_cron_syntax_is_refused() -> None:
    with pytest.raises(ValueError, match="not supported"):
        next_fire_time(("0", "2", "L", "*", "?", "*"), T0)


def test_kb_sync_fires_daily_at_two_utc() -> None:
    [schedule] = KB_SYNC.schedules
    fire = next_fire_time(schedule.cron_fields, T0)
    assert (fire.hour, fire.minute) == (2, 0)
    assert schedule.execution_name(fire) == "kb-sync-daily-20261204T0200Z"


def event(seconds: float, kind: str, **details) -> dict:
    key = kind[0].lower() + kind[1:] + "EventDetails"
    return {"timestamp": T0 + timedelta(seconds=seconds), "type": kind,
            **({key: details} if details else {})}


def test_timeline_shows_states_results_errors_and_the_end() -> None:
    history = [
        event(0, "ExecutionStarted", input='{"trigger": "manual"}'),
        event(0.1, "TaskStateEntered", name="StartIngestionJob"),
        event(0.1, "LambdaFunctionScheduled", resource="arn"),
        event(0.2, "LambdaFunctionFailed", error="ServiceThrottled",
              cause='{"errorType": "ServiceThrottled", "errorMessage": "throttled"}'),
        event(2.5, "LambdaFunctionSucceeded", output='{"ingestionJobId": "ABC"}'),
        event(2.6, "ExecutionFailed", error="IngestionJobFailed", cause="job ABC failed"),
    ]

    lines = timeline(history)

    assert lines == [
        "    +0.00s  execution started   input {\"trigger\": \"manual\"}",
        "    +0.10s  > StartIngestionJob",
        "    +0.20s      error  ServiceThrottled: throttled",
        "    +2.50s      ok     {\"ingestionJobId\": \"ABC\"}",
        "    +2.60s  FAILED              IngestionJobFailed: job ABC failed",
    ]
