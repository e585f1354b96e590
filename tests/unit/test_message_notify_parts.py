"""The pieces of message-notify and the welcome, without a runtime: the event schema and
its ids, what a delivery holds, Meta's message types, the e-mail formats, menus, and the
local pipe's timing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from tasks.common.clients import forget_clients
from tasks.common.errors import InvalidInput
from tasks.message_notify.build_notification_email import media_link
from tasks.message_notify.delivery import unwrap
from tasks.message_notify.email_format import MediaLink, notification_email, subject_of
from tasks.message_notify.errors import InvalidNotificationEvent
from tasks.messages import schema
from tasks.messages.content import e164, message_content
from tasks.messages.menu import list_message, parse_menu
from tasks.messages.schema import Media, MessageEvent, event_id
from workflows import resources
from workflows.cli.messages import DEFAULT_MENU
from workflows.local.clock import CLOCK
from workflows.local.notify_pipe import local_lease_seconds, retry_delay_seconds
from workflows.message_samples import message_event
from workflows.settings import load_settings

TENANT = load_settings().tenant("wecare-digital")


def sample(direction: str = "inbound", **changes: object) -> MessageEvent:
    detail = message_event(direction, TENANT, customer="+919800000001", name="Asha")
    detail.update(changes)
    return MessageEvent.model_validate(detail)


def test_the_event_source_and_detail_types_are_the_notify_rules() -> None:
    assert schema.EVENT_SOURCE == resources.EVENT_SOURCE
    rules = {
        "inbound": resources.INBOUND_NOTIFY_QUEUE.detail_type,
        "outbound": resources.OUTBOUND_NOTIFY_QUEUE.detail_type,
    }
    assert rules == schema.DETAIL_TYPES


def test_an_event_id_is_the_same_for_the_same_message_only() -> None:
    first = event_id("inbound", "wecare-digital", "wamid.A")
    assert first == event_id("inbound", "wecare-digital", "wamid.A")
    assert first != event_id("inbound", "wecare-digital", "wamid.B")
    assert first != event_id("outbound", "wecare-digital", "wamid.A")
    assert first != event_id("inbound", "manish-agarwal", "wamid.A")


def test_a_pipe_delivery_is_one_sqs_record_holding_the_eventbridge_event() -> None:
    detail = {"eventId": "e-1"}
    record = {
        "body": json.dumps({"detail-type": "WhatsApp Message Received", "detail": detail}),
        "attributes": {"ApproximateReceiveCount": "3"},
        "eventSourceARN": "arn:aws:sqs:ap-south-1:123456789012:wecare-inbound-notify",
    }

    delivery = unwrap([record])

    assert delivery.detail == detail and delivery.source == "sqs"
    assert delivery.receive_count == 3 and delivery.queue == "wecare-inbound-notify"


def test_an_eventbridge_event_or_a_bare_detail_is_accepted_too() -> None:
    assert unwrap({"detail": {"eventId": "e-2"}}).source == "eventbridge"
    direct = unwrap({"eventId": "e-3"})
    assert direct.source == "direct" and direct.receive_count is None


@pytest.mark.parametrize(
    ("payload", "complaint"),
    [
        ([{"body": "{}"}, {"body": "{}"}], "batch size to 1"),
        ([{"body": "not json"}], "not JSON"),
        ({"hello": "world"}, "neither SQS records"),
        (None, "neither SQS records"),
    ],
)
def test_anything_else_is_refused_for_good(payload: object, complaint: str) -> None:
    with pytest.raises(InvalidNotificationEvent, match=complaint):
        unwrap(payload)


def test_numbers_become_e164_with_a_plus() -> None:
    assert e164("919876543210") == "+919876543210"
    assert e164("+91 98765 43210") == "+919876543210"
    assert e164("") == ""


def test_replies_buttons_and_unknown_types_say_what_they_are() -> None:
    button = message_content(
        {
            "id": "wamid.1",
            "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes"}},
            "context": {"id": "wamid.0"},
        }
    )
    unknown = message_content(
        {"id": "wamid.2", "type": "order", "errors": [{"title": "Unsupported message"}]}
    )

    assert ("Button", "Yes (id yes)") in [(d.label, d.value) for d in button.details]
    assert ("In reply to", "wamid.0") in [(d.label, d.value) for d in button.details]
    assert unknown.supported is False and unknown.type == "order"
    assert [d.label for d in unknown.details] == ["Note", "Meta says"]


def test_subjects_follow_the_runbook() -> None:
    assert subject_of(sample()) == "[WECARE] Inbound from Asha (+919800000001)"
    assert subject_of(sample("outbound")) == "[WECARE] Outbound to +919800000001"
    nameless = sample(customer={"number": "+919800000001", "name": ""})
    assert subject_of(nameless) == "[WECARE] Inbound from Unknown (+919800000001)"
    folded = sample(customer={"number": "+919800000001", "name": "Asha\r\nBcc: x@y.z"})
    assert subject_of(folded) == "[WECARE] Inbound from Asha Bcc: x@y.z (+919800000001)"


def test_the_body_has_every_runbook_fact_and_escapes_html() -> None:
    event = sample(
        message={"messageId": "wamid.X", "type": "text", "text": "<b>bold</b>\nsecond line"}
    )

    email = notification_email(event, [], ["team@wecare.digital"])

    for fact in (
        "Sender",
        "Asha",
        "+919800000001",
        "Business",
        TENANT.meta_waba_id,
        TENANT.waba_id,
        TENANT.phone_number_id,
        "wamid.X",
        event.eventId,
    ):
        assert fact in email.text and fact in email.html
    assert "    second line" in email.text
    assert "&lt;b&gt;bold&lt;/b&gt;<br>second line" in email.html and "<b>bold" not in email.html


def test_media_without_a_stored_object_says_why() -> None:
    media = Media(kind="image", mimeType="image/jpeg", error="WhatsApp did not give the media")
    email = notification_email(sample(), [MediaLink(media, "")], ["team@wecare.digital"])

    assert "not available: WhatsApp did not give the media" in email.text
    assert "href" not in email.html


@pytest.fixture
def offline_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    monkeypatch.delenv("MEDIA_LINK_ENDPOINT", raising=False)
    forget_clients()
    yield
    forget_clients()


def test_media_links_are_presigned_for_one_hour_at_most(offline_aws: None) -> None:
    link = media_link(Media(kind="image", bucket="wecare-flows-media", key="inbound/t/1.jpg"))

    query = parse_qs(urlsplit(link.url).query)
    assert int(query["X-Amz-Expires"][0]) <= 3600
    assert urlsplit(link.url).netloc.startswith("wecare-flows-media.s3.")
    assert urlsplit(link.url).path == "/inbound/t/1.jpg"
    assert media_link(Media(kind="image")).url == ""


def test_the_default_menu_becomes_a_whatsapp_list() -> None:
    message = list_message(parse_menu(DEFAULT_MENU), body="Welcome")

    interactive = message["interactive"]
    assert message["type"] == "interactive" and interactive["type"] == "list"
    assert interactive["body"] == {"text": "Welcome"}
    assert interactive["footer"]["text"] == DEFAULT_MENU["footer"]
    assert interactive["action"]["sections"][0]["rows"][0] == {
        "id": "book_trip",
        "title": "Book a trip",
        "description": "Flights, hotels, tours",
    }


def test_a_menu_reports_every_problem_at_once() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_menu(
            {
                "buttonText": "x" * 21,
                "sections": [{"title": "T", "rows": [{"id": "a", "title": "y" * 25}]}],
            }
        )

    assert "buttonText" in str(refused.value) and "sections.0.rows.0.title" in str(refused.value)


@pytest.fixture
def clock_scale() -> Iterator[None]:
    scale = CLOCK.scale
    yield
    CLOCK.scale = scale


@pytest.mark.parametrize(("scale", "lease", "retry"), [(0.001, 6, 2), (1.0, 40, 180)])
def test_locally_a_lease_ends_before_the_queue_gives_up(
    clock_scale: None, scale: float, lease: int, retry: int
) -> None:
    CLOCK.scale = scale
    queue = resources.INBOUND_NOTIFY_QUEUE

    assert local_lease_seconds() == lease
    assert retry_delay_seconds(queue, lease) == retry
    assert retry * (queue.max_receive_count - 1) > lease
