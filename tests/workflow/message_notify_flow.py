"""Steps the message-notify and welcome tests share: put events, publish WhatsApp
messages, wait for e-mails and for the notify queues to drain (always with a deadline)."""

from __future__ import annotations

import json
import random
import threading
import weakref
from typing import Any

import pytest
from moto.core.exceptions import JsonRESTError
from moto.sesv2.models import SESV2Backend

from tests.waiting import wait_until
from workflows import resources
from workflows.local.notify_pipe import notify_pipe
from workflows.local.outbox import Email
from workflows.local.runtime import LocalRuntime
from workflows.message_samples import waba_notification
from workflows.settings import Tenant

DETAIL_TYPES = {
    "inbound": resources.INBOUND_NOTIFY_QUEUE.detail_type,
    "outbound": resources.OUTBOUND_NOTIFY_QUEUE.detail_type,
}


def tenant_of(runtime: LocalRuntime, tenant_id: str = "wecare-digital") -> Tenant:
    return runtime.settings.tenant(tenant_id)


def put_event(runtime: LocalRuntime, detail: dict[str, Any], copies: int = 1) -> None:
    """Put the message event on the default bus ``copies`` times (in one PutEvents call)."""
    entry = {
        "Source": resources.EVENT_SOURCE,
        "DetailType": DETAIL_TYPES[detail["direction"]],
        "Detail": json.dumps(detail),
    }
    response = runtime.client("events").put_events(Entries=[entry] * copies)
    assert response["FailedEntryCount"] == 0


def publish_inbound(
    runtime: LocalRuntime,
    tenant: Tenant,
    messages: list[dict[str, Any]],
    name: str = "Asha",
    statuses: list[dict[str, Any]] | None = None,
) -> None:
    """What End User Messaging Social publishes to the WABA's SNS topic."""
    assert runtime.services is not None
    runtime.client("sns").publish(
        TopicArn=runtime.services.waba_events_topic_arn,
        Message=json.dumps(waba_notification(tenant, messages, name, statuses=statuses)),
    )


def emails_to(runtime: LocalRuntime, subject_contains: str = "[WECARE]") -> list[Email]:
    return [m for m in runtime.outbox.messages() if subject_contains in m.subject]


def wait_for_emails(
    runtime: LocalRuntime, count: int, subject_contains: str = "[WECARE]", timeout: float = 30
) -> list[Email]:
    wait_until(
        lambda: len(emails_to(runtime, subject_contains)) >= count,
        f"{count} e-mail(s) with {subject_contains!r}",
        timeout,
    )
    return emails_to(runtime, subject_contains)


_SQS_CLIENTS: weakref.WeakKeyDictionary[LocalRuntime, Any] = weakref.WeakKeyDictionary()


def _sqs(runtime: LocalRuntime) -> Any:
    """One SQS client per runtime: polling must not cost more than what it watches."""
    if runtime not in _SQS_CLIENTS:
        _SQS_CLIENTS[runtime] = runtime.client("sqs")
    return _SQS_CLIENTS[runtime]


def queue_depth(runtime: LocalRuntime, queue_name: str) -> int:
    """Messages on the queue, visible or in flight."""
    assert runtime.services is not None
    attributes = _sqs(runtime).get_queue_attributes(
        QueueUrl=runtime.services.queue_urls[queue_name],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def drained(runtime: LocalRuntime) -> bool:
    """Both notify queues are empty and no execution of the pipe is running (idle before
    and after the queues are read, so a message between queue and execution counts)."""
    pipe = notify_pipe(runtime)
    if not pipe.idle():
        return False
    queues = all(queue_depth(runtime, q.name) == 0 for q in resources.NOTIFY_QUEUES)
    return queues and pipe.idle()


def wait_until_drained(runtime: LocalRuntime, timeout: float = 60) -> None:
    wait_until(lambda: drained(runtime), "the notify queues to drain", timeout)


def notification_record(runtime: LocalRuntime, event_id: str) -> dict[str, Any] | None:
    return runtime.table().get_item(Key={"PK": f"EMAIL#{event_id}", "SK": "EMAIL"}).get("Item")


def notify_executions(runtime: LocalRuntime) -> list[dict[str, Any]]:
    """Every message-notify execution, described, oldest first."""
    sfn = runtime.client("stepfunctions")
    arn = runtime.state_machine_arns["message-notify"]
    listed = sfn.list_executions(stateMachineArn=arn, maxResults=1000)["executions"]
    described = [sfn.describe_execution(executionArn=e["executionArn"]) for e in listed]
    return sorted(described, key=lambda execution: execution["startDate"])


class SesFailures:
    """Makes the runtime's SES (moto's SES v2 backend) answer the next sends with errors,
    as SES itself would: ``TooManyRequestsException`` (429), ``MessageRejected``..."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, int, str | None]] = []
        self.lock = threading.Lock()
        self.refused = 0
        self.random_rate = 0.0
        self.random_error: tuple[str, int] = ("TooManyRequestsException", 429)
        self.rng = random.Random(0)

    def fail_at_random(self, code: str, status: int, rate: float, seed: int) -> None:
        """Refuse this share of all sends, chosen at random (repeatably, by seed)."""
        with self.lock:
            self.random_error, self.random_rate, self.rng = (
                (code, status),
                rate,
                random.Random(seed),
            )

    def fail(self, code: str, status: int, times: int = 1, only_to: str | None = None) -> None:
        with self.lock:
            self.pending.extend([(code, status, only_to)] * times)

    def heal(self) -> None:
        with self.lock:
            self.pending.clear()

    def next_error(self, destinations: dict[str, list[str]]) -> JsonRESTError | None:
        addresses = {a for found in destinations.values() for a in found}
        with self.lock:
            if self.random_rate and self.rng.random() < self.random_rate:
                self.refused += 1
                return _error(*self.random_error)
            for index, (code, status, only_to) in enumerate(self.pending):
                if only_to is None or only_to in addresses:
                    del self.pending[index]
                    self.refused += 1
                    return _error(code, status)
        return None


def _error(code: str, status: int) -> JsonRESTError:
    error = JsonRESTError(code, f"{code} (injected by the test)")
    error.code = status
    return error


def inject_ses_failures(monkeypatch: pytest.MonkeyPatch) -> SesFailures:
    """Patch the runtime's SES for one test (a fixture's body)."""
    failures = SesFailures()
    send = SESV2Backend.send_email

    def send_or_fail(
        self: SESV2Backend, source: str, destinations: dict, subject: str, body: str
    ) -> Any:
        error = failures.next_error(destinations)
        if error is not None:
            raise error
        return send(self, source, destinations, subject, body)

    monkeypatch.setattr(SESV2Backend, "send_email", send_or_fail)
    return failures
