"""message-notify under load: 2,000 deliveries, 30 % of them duplicates, with 5 % of SES
sends failing, end with exactly one e-mail per unique event and nothing lost."""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.workflow.message_notify_flow import (
    DETAIL_TYPES,
    SesFailures,
    drained,
    inject_ses_failures,
    queue_depth,
)
from workflows import resources
from workflows.local.runtime import LocalRuntime
from workflows.message_samples import message_event

DELIVERIES = 2000
DUPLICATE_SHARE = 0.30
SES_FAILURE_RATE = 0.05
SEED = 20261203
DEADLINE_SECONDS = 600
EVENT_ID = re.compile(r"Event id: ([0-9a-f-]{36})")


@pytest.fixture
def ses_failures(monkeypatch: pytest.MonkeyPatch) -> Iterator[SesFailures]:
    yield inject_ses_failures(monkeypatch)


def test_duplicates_and_ses_failures_end_in_one_email_per_event(
    runtime: LocalRuntime, ses_failures: SesFailures
) -> None:
    # GIVEN 1,400 unique events (inbound and outbound, both tenants) delivered 2,000 times:
    # 600 duplicates shuffled in, some in the same PutEvents call, some far apart
    rng = random.Random(SEED)
    unique_count = round(DELIVERIES * (1 - DUPLICATE_SHARE))
    tenants = runtime.settings.tenants
    events = [
        message_event(
            "inbound" if index % 10 < 7 else "outbound",
            tenants[index % len(tenants)],
            customer=f"+9197{index:08d}",
            text=f"message {index}",
        )
        for index in range(unique_count)
    ]
    deliveries = events + [rng.choice(events) for _ in range(DELIVERIES - unique_count)]
    rng.shuffle(deliveries)
    # AND SES refuses 5 % of sends with throttling
    ses_failures.fail_at_random("TooManyRequestsException", 429, SES_FAILURE_RATE, SEED)

    # WHEN every delivery is put on EventBridge, ten per call
    client = runtime.client("events")
    for first in range(0, DELIVERIES, 10):
        client.put_events(Entries=[_entry(d) for d in deliveries[first : first + 10]])

    # THEN every unique event is e-mailed, and the pipeline drains
    expected = {event["eventId"] for event in events}
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (drained(runtime) and _emailed(runtime) >= expected):
        assert time.monotonic() < deadline, f"{len(_emailed(runtime))} of {len(expected)} e-mailed"
        time.sleep(1.0)

    # AND each exactly once: no duplicate, none lost, nothing dead-lettered
    counts = Counter(_event_ids(runtime))
    assert set(counts) == expected
    assert [event for event, count in counts.items() if count > 1] == []
    for queue in resources.NOTIFY_QUEUES:
        assert queue_depth(runtime, queue.dead_letter_name) == 0
    # AND every event is recorded SENT; the injected failures really happened
    statuses = Counter(_record_statuses(runtime))
    assert statuses == {"SENT": unique_count}
    assert ses_failures.refused >= DELIVERIES * SES_FAILURE_RATE * 0.5
    assert not [m for m in runtime.outbox.messages() if "notification failed" in m.subject]


def _entry(detail: dict) -> dict[str, str]:
    return {
        "Source": resources.EVENT_SOURCE,
        "DetailType": DETAIL_TYPES[detail["direction"]],
        "Detail": json.dumps(detail),
    }


def _event_ids(runtime: LocalRuntime) -> list[str]:
    return [
        match.group(1)
        for message in runtime.outbox.messages()
        if (match := EVENT_ID.search(message.body))
    ]


def _emailed(runtime: LocalRuntime) -> set[str]:
    return set(_event_ids(runtime))


def _record_statuses(runtime: LocalRuntime) -> list[str]:
    statuses: list[str] = []
    params = {
        "FilterExpression": "begins_with(PK, :email)",
        "ExpressionAttributeValues": {":email": "EMAIL#"},
    }
    table = runtime.table()
    while True:
        page = table.scan(**params)
        statuses += [item["status"] for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return statuses
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
