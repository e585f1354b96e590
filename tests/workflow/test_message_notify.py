"""message-notify on the embedded runtime: every message type, the runbook's e-mail
formats, the idempotency record, duplicates, SES throttling, and failures."""

from __future__ import annotations

import importlib
import json
import logging
import re
import time
import urllib.request
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from moto.core.exceptions import JsonRESTError
from moto.dynamodb.models import DynamoDBBackend

from tests.waiting import wait_until
from tests.workflow.message_notify_flow import (
    SesFailures,
    inject_ses_failures,
    notification_record,
    notify_executions,
    publish_inbound,
    put_event,
    queue_depth,
    tenant_of,
    wait_for_emails,
    wait_until_drained,
)
from workflows import resources
from workflows.catalog import workflow
from workflows.local.notify_pipe import notify_pipe
from workflows.local.runtime import LocalRuntime
from workflows.message_samples import MESSAGE_TYPES, SAMPLE_MEDIA, message_event, meta_message

SEVEN_DAYS = 7 * 24 * 3600
# What each type's e-mail shows besides the common facts (caption given: "caption of …").
SHOWN = {
    "text": ["caption of the text"],
    "image": ["Caption", "caption of the image", "image (image/jpeg)"],
    "video": ["caption of the video", "video (video/mp4)"],
    "audio": ["audio (audio/ogg)", "Voice note"],
    "document": ["caption of the document", "invoice.pdf"],
    "sticker": ["sticker (image/webp)"],
    "location": ["22.5726, 88.3639", "WECARE office", "Kolkata, India"],
    "contacts": ["Asha Rao: +91 98300 00000"],
    "interactive": ["Menu choice", "Book a trip (id book_trip)", "Flights and hotels"],
    "button": ["Yes, confirm (payload CONFIRM_ORDER)"],
    "reaction": ["\N{THUMBS UP SIGN}", "To message"],
    "unknown": ["unsupported (not supported)", "is not shown by the notifier"],
}


@pytest.fixture
def ses_failures(monkeypatch: pytest.MonkeyPatch) -> SesFailures:
    return inject_ses_failures(monkeypatch)


def test_every_inbound_message_type_is_stored_and_emailed_once(
    runtime: LocalRuntime, endpoint: str
) -> None:
    # GIVEN one inbound WhatsApp message of every type, from one customer
    tenant = tenant_of(runtime)
    messages = [
        meta_message(kind, "+919811100001", f"caption of the {kind}") for kind in MESSAGE_TYPES
    ]

    # WHEN End User Messaging Social publishes them to the WABA's topic
    publish_inbound(runtime, tenant, messages, name="Asha Rao")

    # THEN each message is e-mailed once, with the runbook's subject and body
    wait_for_emails(runtime, len(MESSAGE_TYPES))
    wait_until_drained(runtime)
    emails = wait_for_emails(runtime, len(MESSAGE_TYPES))
    assert len(emails) == len(MESSAGE_TYPES)
    by_message_id = {_message_id(email.body): email for email in emails}
    for kind, message in zip(MESSAGE_TYPES, messages, strict=True):
        email = by_message_id[message["id"]]
        assert email.subject == "[WECARE] Inbound from Asha Rao (+919811100001)"
        assert email.to == ("team@wecare.digital",)
        assert email.sender == "notifications@wecare.digital"
        for fact in (
            "+919811100001",
            "WECARE-DIGITAL",
            "+919330994400",
            tenant.meta_waba_id,
            tenant.waba_id,
            tenant.phone_number_id,
        ):
            assert fact in email.body
        for text in SHOWN[kind]:
            assert text in email.body, f"{kind}: {text!r} missing"
        if kind in SAMPLE_MEDIA:
            _assert_presigned_link_opens_the_media(endpoint, email.body, SAMPLE_MEDIA[kind].body)
    # AND each one is in the customer's conversation, the 24-hour window open
    stored = runtime.table().query(
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": "CONV#wecare-digital#+919811100001"},
    )["Items"]
    assert {item["messageId"] for item in stored} == {m["id"] for m in messages}
    summary = runtime.table().get_item(
        Key={"PK": "TENANT#wecare-digital", "SK": "CONV#+919811100001"}
    )["Item"]
    assert summary["customerName"] == "Asha Rao"
    assert datetime.now(UTC).timestamp() - int(summary["lastInboundEpoch"]) < 60


def _assert_presigned_link_opens_the_media(endpoint: str, body: str, content: bytes) -> None:
    """The link, valid an hour at most, opens the stored file from the runtime's endpoint
    (on AWS it names the bucket's S3 host instead)."""
    (url,) = re.findall(r"href='([^']+)'", body)
    url = url.replace("&amp;", "&")
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert url.startswith(f"{endpoint}/{resources.MEDIA_BUCKET_NAME}/inbound/wecare-digital/")
    assert int(query["X-Amz-Expires"][0]) <= 3600
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == content


def test_media_whatsapp_no_longer_holds_is_notified_as_not_available(
    runtime: LocalRuntime,
) -> None:
    # GIVEN an image whose media id WhatsApp does not know (expired after 7 days)
    message = meta_message("image", "+919811100003", "old photo")
    message["image"]["id"] = "999999"

    # WHEN it arrives
    publish_inbound(runtime, tenant_of(runtime), [message])

    # THEN the e-mail still goes, saying why there is no link
    (email,) = wait_for_emails(runtime, 1)
    assert "not available: WhatsApp did not give the media (ResourceNotFoundException" in (
        email.body
    )
    assert "href=" not in email.body


def test_outbound_event_is_emailed_with_receiver_waba_phone_number_id_and_message_id(
    runtime: LocalRuntime,
) -> None:
    # GIVEN an outbound message event with an image kept in the media bucket
    tenant = tenant_of(runtime, "manish-agarwal")
    runtime.client("s3").put_object(
        Bucket=resources.MEDIA_BUCKET_NAME, Key="outbound/offer.jpg", Body=b"jpeg"
    )
    detail = message_event(
        "outbound",
        tenant,
        "image",
        "+919811100004",
        text="Our offer",
        media_bucket=resources.MEDIA_BUCKET_NAME,
        media_key="outbound/offer.jpg",
    )

    # WHEN it is put on EventBridge
    put_event(runtime, detail)

    # THEN the team gets the runbook's outbound e-mail
    (email,) = wait_for_emails(runtime, 1)
    assert email.subject == "[WECARE] Outbound to +919811100004"
    for fact in (
        "Receiver",
        "+919811100004",
        tenant.meta_waba_id,
        tenant.phone_number_id,
        detail["message"]["messageId"],
        "Our offer",
        "outbound/offer.jpg",
    ):
        assert fact in email.body
    # AND the event is recorded as e-mailed for 7 days
    wait_until_drained(runtime)
    record = notification_record(runtime, detail["eventId"])
    assert record is not None and record["status"] == "SENT"
    assert record["subject"] == email.subject and record["tenantId"] == "manish-agarwal"
    assert abs(int(record["ttl"]) - (time.time() + SEVEN_DAYS)) < 120


@pytest.mark.parametrize("copies", [2, 5])
def test_the_same_event_delivered_at_once_is_emailed_once(
    runtime: LocalRuntime, copies: int
) -> None:
    # GIVEN one message event
    detail = message_event("inbound", tenant_of(runtime), customer="+919811100005")

    # WHEN EventBridge delivers it several times at once
    put_event(runtime, detail, copies=copies)

    # THEN one e-mail goes; every copy leaves the queue, none reaches the dead-letter queue
    wait_for_emails(runtime, 1)
    wait_until_drained(runtime)
    assert len(wait_for_emails(runtime, 1)) == 1
    assert queue_depth(runtime, resources.INBOUND_NOTIFY_QUEUE.dead_letter_name) == 0
    outputs = [json.loads(e["output"]) for e in notify_executions(runtime) if e.get("output")]
    assert [o["status"] for o in outputs].count("SENT") == 1


def test_the_same_event_delivered_after_the_visibility_timeout_is_skipped(
    runtime: LocalRuntime,
) -> None:
    # GIVEN an event already e-mailed
    detail = message_event("inbound", tenant_of(runtime), customer="+919811100006")
    put_event(runtime, detail)
    wait_for_emails(runtime, 1)
    wait_until_drained(runtime)

    # WHEN it is delivered twice more, later than the queue's visibility timeout
    time.sleep(notify_pipe(runtime).workers[0].retry_delay_seconds)
    put_event(runtime, detail, copies=2)
    wait_until(lambda: len(notify_executions(runtime)) == 3, "three executions", 30)
    wait_until_drained(runtime)

    # THEN no second e-mail: the later executions skip the event
    assert len(wait_for_emails(runtime, 1)) == 1
    statuses = [json.loads(e["output"])["status"] for e in notify_executions(runtime)]
    assert statuses == ["SENT", "ALREADY_SENT", "ALREADY_SENT"]


def test_a_delivery_while_the_event_is_in_flight_is_retried_and_then_skipped(
    runtime: LocalRuntime,
) -> None:
    # GIVEN another execution is e-mailing the event right now (its claim is IN_PROGRESS)
    detail = message_event("inbound", tenant_of(runtime), customer="+919811100007")
    _claim_in_flight(runtime, detail, lease_seconds=600)

    # WHEN the event is delivered again
    put_event(runtime, detail)

    # THEN this delivery fails with a retryable error, and stays on the queue
    wait_until(
        lambda: any(e["status"] == "FAILED" for e in notify_executions(runtime)),
        "a failed execution",
        30,
    )
    failed = next(e for e in notify_executions(runtime) if e["status"] == "FAILED")
    assert failed["error"] == "NotificationInProgress"
    assert queue_depth(runtime, resources.INBOUND_NOTIFY_QUEUE.name) == 1
    # WHEN the other execution finishes (the record says SENT)
    runtime.table().update_item(
        Key={"PK": f"EMAIL#{detail['eventId']}", "SK": "EMAIL"},
        UpdateExpression="SET #s = :sent",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":sent": "SENT"},
    )
    # THEN the redelivery skips it: no e-mail from this delivery, nothing left on the queues
    wait_until(
        lambda: any(
            json.loads(e.get("output") or "{}").get("status") == "ALREADY_SENT"
            for e in notify_executions(runtime)
        ),
        "the redelivery to be skipped",
        30,
    )
    wait_until_drained(runtime)
    assert runtime.outbox.messages() == []
    assert queue_depth(runtime, resources.INBOUND_NOTIFY_QUEUE.dead_letter_name) == 0


def test_an_event_whose_execution_died_is_taken_over_after_the_lease(
    runtime: LocalRuntime,
) -> None:
    # GIVEN an execution claimed the event and died before e-mailing it (lease 3 s)
    detail = message_event("inbound", tenant_of(runtime), customer="+919811100008")
    _claim_in_flight(runtime, detail, lease_seconds=3)

    # WHEN the event is delivered
    put_event(runtime, detail)

    # THEN the queue redelivers it until the lease ends, and it is e-mailed once
    (email,) = wait_for_emails(runtime, 1, timeout=30)
    wait_until_drained(runtime)
    assert "+919811100008" in email.subject
    assert notify_executions(runtime)[0]["error"] == "NotificationInProgress"
    assert notification_record(runtime, detail["eventId"])["status"] == "SENT"
    assert len(runtime.outbox.messages()) == 1


def _claim_in_flight(runtime: LocalRuntime, detail: dict, lease_seconds: int) -> None:
    now = int(time.time())
    runtime.table().put_item(
        Item={
            "PK": f"EMAIL#{detail['eventId']}",
            "SK": "EMAIL",
            "status": "IN_PROGRESS",
            "claimToken": "arn:aws:states:ap-south-1:123456789012:execution:message-notify:other",
            "claimedAt": datetime.now(UTC).isoformat(),
            "leaseExpiresAt": now + lease_seconds,
            "ttl": now + SEVEN_DAYS,
        }
    )


def test_ses_throttling_is_retried_with_backoff(
    runtime: LocalRuntime, ses_failures: SesFailures
) -> None:
    # GIVEN SES throttles the next two sends
    ses_failures.fail("TooManyRequestsException", 429, times=2)
    detail = message_event("inbound", tenant_of(runtime), customer="+919811100009")

    # WHEN the event is notified
    put_event(runtime, detail)

    # THEN the send is retried within the execution and one e-mail goes
    wait_for_emails(runtime, 1)
    wait_until_drained(runtime)
    (execution,) = notify_executions(runtime)
    assert execution["status"] == "SUCCEEDED"
    history = runtime.history(execution["executionArn"])
    failures = [
        e["lambdaFunctionFailedEventDetails"]["error"]
        for e in history
        if e["type"] == "LambdaFunctionFailed"
    ]
    assert failures == ["ServiceThrottled", "ServiceThrottled"]
    assert len(runtime.outbox.messages()) == 1


def test_an_event_that_is_not_a_message_event_fails_without_retries(runtime: LocalRuntime) -> None:
    # WHEN an execution is started by hand with something that is not a message event
    arn = runtime.start_execution("message-notify", {"eventId": "x", "direction": "sideways"})

    # THEN it fails at once with InvalidNotificationEvent naming the bad fields
    described = runtime.wait_for(arn)
    assert described["status"] == "FAILED"
    assert described["error"] == "InvalidNotificationEvent"
    assert "direction" in described["cause"] and "business" in described["cause"]
    # AND operations hear of it (a start by hand has no queue to retry it)
    (ops,) = wait_for_emails(runtime, 1, "Message notification failed")
    assert "(started by hand)" in ops.body


def test_a_message_event_can_be_started_by_hand(runtime: LocalRuntime) -> None:
    # GIVEN a message event (the detail alone, as `wecare-flows start --input` takes it)
    detail = message_event("outbound", tenant_of(runtime), customer="+919811100011")

    # WHEN message-notify is started with it
    described = runtime.wait_for(runtime.start_execution("message-notify", detail))

    # THEN it is e-mailed, and a second start skips it
    assert json.loads(described["output"])["status"] == "SENT"
    again = runtime.wait_for(runtime.start_execution("message-notify", detail))
    assert json.loads(again["output"]) == {"eventId": detail["eventId"], "status": "ALREADY_SENT"}
    assert len(runtime.outbox.messages()) == 1


def _message_id(body: str) -> str:
    match = re.search(r"(wamid\.[0-9A-F]+)", body)
    assert match, body
    return match.group(1)


class _Records(logging.Handler):
    """Keeps each record as its logger's own (Powertools JSON) formatter writes it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        owner = logging.getLogger(record.name)
        formatter = next(h.formatter for h in owner.handlers if h is not self and h.formatter)
        self.lines.append(formatter.format(record))


def test_logs_mask_phone_numbers_and_never_hold_message_text(runtime: LocalRuntime) -> None:
    # GIVEN the handlers log at INFO, into a collector (added once Powertools set them up)
    for task in workflow("message-notify").tasks:
        importlib.import_module(task.module)
    importlib.import_module("tasks.waba_events.handler")
    collector = _Records()
    loggers = [logging.getLogger(name) for name in ("messages", "message-notify", "waba-events")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO)
        logger.addHandler(collector)
    try:
        # WHEN a message with a private text arrives and is notified
        message = meta_message("text", "+919855500001", "my card PIN is 4321")
        publish_inbound(runtime, tenant_of(runtime), [message])
        wait_for_emails(runtime, 1)
        wait_until_drained(runtime)
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(collector)
            logger.setLevel(level)

    # THEN the logs name the customer only masked, and never carry the text
    logged = "\n".join(collector.lines)
    assert "Inbound message stored and published" in logged
    assert "Notification sent" in logged
    assert "+91******0001" in logged
    assert "919855500001" not in logged
    assert "PIN" not in logged


def test_a_sent_email_the_table_would_not_record_is_recorded_by_its_own_step(
    runtime: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN DynamoDB throttles the first three writes of a SENT record
    refusals = {"left": 3}
    put_item = DynamoDBBackend.put_item

    def throttled_put(self: DynamoDBBackend, table_name: str, item_attrs: dict, *args, **kw):
        if item_attrs.get("status", {}).get("S") == "SENT" and refusals["left"]:
            refusals["left"] -= 1
            raise JsonRESTError("ProvisionedThroughputExceededException", "Rate of requests")
        return put_item(self, table_name, item_attrs, *args, **kw)

    monkeypatch.setattr(DynamoDBBackend, "put_item", throttled_put)
    detail = message_event("inbound", tenant_of(runtime), customer="+919811100012")

    # WHEN the event is notified
    described = runtime.wait_for(runtime.start_execution("message-notify", detail))

    # THEN the e-mail went once and MarkNotificationSent recorded it, without resending
    assert described["status"] == "SUCCEEDED"
    entered = [
        e["stateEnteredEventDetails"]["name"]
        for e in runtime.history(described["executionArn"])
        if e["type"].endswith("StateEntered")
    ]
    assert entered[-3:] == ["SentRecorded", "MarkNotificationSent", "Notified"]
    assert len(runtime.outbox.messages()) == 1
    assert notification_record(runtime, detail["eventId"])["status"] == "SENT"
