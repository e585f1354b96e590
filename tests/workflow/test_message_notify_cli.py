"""``wecare-flows send-test-event``, ``redrive-dlq`` and ``seed menu`` against the runtime's
endpoint, and a poison message's way into the dead-letter queue and back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.operator import wecare_flows
from tests.waiting import wait_until
from tests.workflow.message_notify_flow import (
    SesFailures,
    inject_ses_failures,
    notification_record,
    notify_executions,
    put_event,
    queue_depth,
    tenant_of,
    wait_for_emails,
    wait_until_drained,
)
from workflows import resources
from workflows.cli.errors import ExitCode
from workflows.message_samples import message_event


@pytest.fixture
def ses_failures(monkeypatch: pytest.MonkeyPatch) -> SesFailures:
    return inject_ses_failures(monkeypatch)


def test_send_test_event_inbound_waits_for_the_email(capsys, endpoint, runtime) -> None:
    code, out, err = wecare_flows(capsys, endpoint, "send-test-event", "inbound")

    assert code == ExitCode.OK, err
    assert "put inbound text event" in out
    assert "e-mailed in" in out and "[WECARE] Inbound from Test Customer (+919876543210)" in out
    assert len(runtime.outbox.messages()) == 1


def test_send_test_event_outbound_image_links_the_sample_in_the_bucket(
    capsys, endpoint, runtime
) -> None:
    code, _, err = wecare_flows(
        capsys,
        endpoint,
        "send-test-event",
        "outbound",
        "--type",
        "image",
        "--customer",
        "+919844400001",
    )

    assert code == ExitCode.OK, err
    (email,) = runtime.outbox.messages()
    assert email.subject == "[WECARE] Outbound to +919844400001"
    assert "image (image/jpeg)" in email.body and "test-events/" in email.body
    listed = runtime.client("s3").list_objects_v2(
        Bucket=resources.MEDIA_BUCKET_NAME, Prefix="test-events/"
    )
    assert [item["Key"].rsplit("/", 1)[-1] for item in listed["Contents"]] == ["photo.jpg"]


def test_send_test_event_twice_with_one_event_id_emails_once(capsys, endpoint, runtime) -> None:
    first = wecare_flows(capsys, endpoint, "send-test-event", "inbound", "--event-id", "demo-1")
    second = wecare_flows(
        capsys, endpoint, "send-test-event", "inbound", "--event-id", "demo-1", "--no-wait"
    )

    assert first[0] == second[0] == ExitCode.OK
    wait_until(lambda: len(notify_executions(runtime)) == 2, "two executions", 30)
    wait_until_drained(runtime)
    assert len(runtime.outbox.messages()) == 1


def test_send_test_event_through_the_waba_topic_stores_the_message(
    capsys, endpoint, runtime
) -> None:
    code, out, err = wecare_flows(
        capsys,
        endpoint,
        "send-test-event",
        "inbound",
        "--through-waba-topic",
        "--type",
        "location",
        "--customer",
        "+919844400002",
        "--name",
        "Ravi",
    )

    assert code == ExitCode.OK, err
    assert "[WECARE] Inbound from Ravi (+919844400002)" in out
    summary = runtime.table().get_item(
        Key={"PK": "TENANT#wecare-digital", "SK": "CONV#+919844400002"}
    )["Item"]
    assert summary["lastInboundType"] == "location"


def test_send_test_event_refuses_bad_input(capsys, endpoint) -> None:
    bad_number = wecare_flows(capsys, endpoint, "send-test-event", "inbound", "--customer", "98")
    outbound_via_topic = wecare_flows(
        capsys, endpoint, "send-test-event", "outbound", "--through-waba-topic"
    )
    unknown_tenant = wecare_flows(capsys, endpoint, "send-test-event", "inbound", "--tenant", "x")

    assert bad_number[0] == outbound_via_topic[0] == ExitCode.BAD_INPUT
    assert "+E.164" in bad_number[2]
    assert unknown_tenant[0] == ExitCode.NOT_FOUND and "unknown tenant" in unknown_tenant[2]
    assert "Traceback" not in bad_number[2] + outbound_via_topic[2] + unknown_tenant[2]


def test_a_poison_message_lands_in_the_dead_letter_queue_and_is_redriven_once(
    capsys, endpoint, runtime, ses_failures: SesFailures
) -> None:
    # GIVEN SES refuses the team's e-mails (the sender's verification lapsed)
    ses_failures.fail("MessageRejected", 400, times=1000, only_to="team@wecare.digital")
    detail = message_event("inbound", tenant_of(runtime), customer="+919844400003")

    # WHEN the event is notified
    put_event(runtime, detail)

    # THEN after maxReceiveCount failed deliveries it is in the dead-letter queue
    inbound = resources.INBOUND_NOTIFY_QUEUE
    wait_until(lambda: queue_depth(runtime, inbound.dead_letter_name) == 1, "the DLQ", 60)
    failed = [e for e in notify_executions(runtime) if e["status"] == "FAILED"]
    assert len(failed) == inbound.max_receive_count
    assert {e["error"] for e in failed} == {"EmailRejected"}
    assert queue_depth(runtime, inbound.name) == 0
    # AND operations were told once, with the command to redrive it
    (ops,) = wait_for_emails(runtime, 1, "Message notification failed")
    assert ops.to == ("ops@wecare.digital",)
    assert "EmailRejected" in ops.subject and detail["eventId"] in ops.subject
    assert "wecare-flows redrive-dlq wecare-inbound-notify" in ops.body
    record = notification_record(runtime, detail["eventId"])
    assert record["status"] == "FAILED" and record["lastError"] == "EmailRejected"

    # WHEN SES is fixed and the operator redrives the dead-letter queue
    ses_failures.heal()
    code, out, err = wecare_flows(capsys, endpoint, "redrive-dlq", "inbound")

    # THEN the message is moved back and e-mailed exactly once
    assert code == ExitCode.OK, err
    assert "moved 1 message(s) from wecare-inbound-notify-dlq to wecare-inbound-notify" in out
    (email,) = wait_for_emails(runtime, 1, "Inbound")
    wait_until_drained(runtime)
    assert "+919844400003" in email.subject
    assert queue_depth(runtime, inbound.dead_letter_name) == 0
    assert notification_record(runtime, detail["eventId"])["status"] == "SENT"
    assert len(wait_for_emails(runtime, 1, "Inbound")) == 1


def test_redrive_of_an_unknown_queue_names_the_queues(capsys, endpoint) -> None:
    code, _, err = wecare_flows(capsys, endpoint, "redrive-dlq", "nowhere")

    assert code == ExitCode.NOT_FOUND
    assert "wecare-inbound-notify" in err and "wecare-outbound-notify" in err


def test_seed_menu_stores_the_default_main_menu_of_every_tenant(capsys, endpoint, runtime) -> None:
    code, out, err = wecare_flows(capsys, endpoint, "seed", "menu")

    assert code == ExitCode.OK, err
    assert "wecare-digital: menu 'main' stored (2 sections, 5 rows)" in out
    assert "manish-agarwal: menu 'main' stored" in out
    for tenant in ("wecare-digital", "manish-agarwal"):
        menu = runtime.table().get_item(Key={"PK": f"TENANT#{tenant}", "SK": "MENU#main"})["Item"]
        assert menu["buttonText"] == "Menu" and menu["sections"][0]["rows"][0]["id"] == "book_trip"


def test_seed_menu_from_a_file_and_a_refused_file(
    capsys, endpoint, runtime, tmp_path: Path
) -> None:
    menu = {
        "menuId": "main",
        "sections": [{"title": "Help", "rows": [{"id": "call", "title": "Call us"}]}],
    }
    good = tmp_path / "menu.json"
    good.write_text(json.dumps(menu))
    too_long = tmp_path / "bad.json"
    too_long.write_text(json.dumps({"sections": [{"rows": [{"id": "a", "title": "y" * 30}]}]}))

    stored = wecare_flows(
        capsys, endpoint, "seed", "menu", "--tenant", "1390647332755815", "--file", str(good)
    )
    refused = wecare_flows(capsys, endpoint, "seed", "menu", "--file", str(too_long))

    assert (
        stored[0] == ExitCode.OK and "manish-agarwal: menu 'main' stored (1 sections" in stored[1]
    )
    assert refused[0] == ExitCode.BAD_INPUT
    assert "sections.0.rows.0.title" in refused[2] and "24 characters" in refused[2]


def test_an_event_put_with_the_aws_cli_is_emailed(endpoint, runtime) -> None:
    # GIVEN an outbound message event, as docs/message-notify.md shows it
    detail = message_event("outbound", tenant_of(runtime), customer="+919811100077")
    entries = [{"Source": resources.EVENT_SOURCE,
                "DetailType": resources.OUTBOUND_NOTIFY_QUEUE.detail_type,
                "Detail": json.dumps(detail)}]

    # WHEN an operator puts it with the AWS CLI against the local endpoint
    done = subprocess.run(
        [sys.executable, "-m", "awscli", "events", "put-events", "--entries", json.dumps(entries),
         "--endpoint-url", endpoint, "--output", "json"],
        capture_output=True, text=True, timeout=60, check=True,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
             "AWS_DEFAULT_REGION": "ap-south-1"},
    )

    # THEN EventBridge took it and the outbound e-mail reaches the outbox, once
    assert json.loads(done.stdout)["FailedEntryCount"] == 0
    emails = wait_for_emails(runtime, 1, subject_contains="[WECARE] Outbound to +919811100077")
    assert detail["message"]["messageId"] in emails[0].body
    wait_until_drained(runtime)
    assert notification_record(runtime, detail["eventId"])["status"] == "SENT"
