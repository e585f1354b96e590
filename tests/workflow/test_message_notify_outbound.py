"""Outbound messages through the runbook's actions (section 10): ``send_text`` inside the
24-hour window, its outbound e-mail, and ``get_conversations``."""

from __future__ import annotations

import time
from typing import Any

import pytest
from moto.core.exceptions import JsonRESTError
from moto.events.models import EventsBackend

from tests.operator import invoke_action
from tests.workflow.message_notify_flow import (
    publish_inbound,
    tenant_of,
    wait_for_emails,
    wait_until_drained,
)
from workflows.local.runtime import LocalRuntime
from workflows.local.standins import ApiError
from workflows.local.standins.whatsapp_messages import whatsapp_messages
from workflows.message_samples import meta_message

CUSTOMER = "+919833300001"


def send_text(runtime: LocalRuntime, to: str, text: str = "Test message") -> dict[str, Any]:
    return invoke_action(
        runtime,
        {"action": "send_text", "metaWabaId": "1347766229904230", "to": to, "text": text},
    )


def test_send_text_inside_the_window_sends_records_and_emails(runtime: LocalRuntime) -> None:
    # GIVEN the customer wrote a minute ago
    publish_inbound(runtime, tenant_of(runtime), [meta_message("text", CUSTOMER, "Hi")])

    # WHEN the runbook's send_text is invoked
    answer = send_text(runtime, CUSTOMER, "Your booking is confirmed")

    # THEN WhatsApp got the text from the tenant's phone number
    assert answer["ok"] and answer["notified"] and answer["recorded"], answer
    (sent,) = whatsapp_messages(runtime).sent_to(CUSTOMER)
    assert sent.message["text"] == {"body": "Your booking is confirmed"}
    assert sent.message_id == answer["messageId"]
    # AND the team gets the outbound e-mail with WABA, phone number id and message id
    email = wait_for_emails(runtime, 1, "Outbound")[0]
    tenant = tenant_of(runtime)
    assert email.subject == f"[WECARE] Outbound to {CUSTOMER}"
    for fact in (
        tenant.meta_waba_id,
        tenant.phone_number_id,
        answer["messageId"],
        "Your booking is confirmed",
    ):
        assert fact in email.body
    # AND the conversation shows both messages, oldest first, the window open
    conversation = invoke_action(
        runtime,
        {"action": "get_conversations", "metaWabaId": "1347766229904230", "customer": CUSTOMER},
    )
    assert conversation["windowOpen"] is True
    assert [m["direction"] for m in conversation["messages"]] == ["inbound", "outbound"]
    assert conversation["messages"][1]["text"] == "Your booking is confirmed"


def test_send_text_outside_the_24_hour_window_is_refused(runtime: LocalRuntime) -> None:
    # GIVEN one customer never wrote, another wrote 25 hours ago
    publish_inbound(runtime, tenant_of(runtime), [meta_message("text", CUSTOMER, "Hi")])
    runtime.table().update_item(
        Key={"PK": "TENANT#wecare-digital", "SK": f"CONV#{CUSTOMER}"},
        UpdateExpression="SET lastInboundEpoch = :then",
        ExpressionAttributeValues={":then": int(time.time()) - 25 * 3600},
    )

    # WHEN send_text is asked to write to them
    never = send_text(runtime, "+919833300002")
    stale = send_text(runtime, CUSTOMER)

    # THEN both are refused with the rule and what to do instead; nothing is sent
    for answer in (never, stale):
        assert answer["ok"] is False and answer["error"] == "OutsideCustomerServiceWindow"
        assert "24 hours" in answer["message"] and "template" in answer["message"]
    assert whatsapp_messages(runtime).sent == []


def test_send_text_checks_the_number_the_text_and_the_tenant(runtime: LocalRuntime) -> None:
    no_plus = send_text(runtime, "9876543210")
    too_long = send_text(runtime, CUSTOMER, "x" * 4097)
    unknown = invoke_action(
        runtime, {"action": "send_text", "metaWabaId": "42", "to": CUSTOMER, "text": "Hi"}
    )

    assert no_plus["error"] == "InvalidInput" and "E.164" in no_plus["message"]
    assert too_long["error"] == "InvalidInput" and "4097 characters" in too_long["message"]
    assert unknown["error"] == "UnknownTenant"


def test_whatsapp_refusing_the_text_is_reported_and_nothing_is_emailed(
    runtime: LocalRuntime,
) -> None:
    # GIVEN the customer wrote, and WhatsApp will refuse the next send
    publish_inbound(runtime, tenant_of(runtime), [meta_message("text", CUSTOMER, "Hi")])
    whatsapp_messages(runtime).fail(
        "SendWhatsAppMessage", ApiError(403, "AccessDeniedByMetaException", "Blocked by Meta")
    )

    # WHEN send_text is invoked
    answer = send_text(runtime, CUSTOMER)

    # THEN the refusal comes back with Meta's reason; only the inbound e-mail goes
    assert answer["ok"] is False and answer["error"] == "MessageRefused"
    assert "AccessDeniedByMetaException" in answer["message"] and CUSTOMER not in answer["message"]
    wait_for_emails(runtime, 1)
    wait_until_drained(runtime)
    assert [m.subject for m in runtime.outbox.messages()] == [
        f"[WECARE] Inbound from Asha ({CUSTOMER})"
    ]



def _throttle_outbound_events(monkeypatch: pytest.MonkeyPatch, times: int) -> dict[str, int]:
    """EventBridge refuses the next ``times`` PutEvents of an outbound message event."""
    left = {"refusals": times}
    put_events = EventsBackend.put_events

    def throttled(self: EventsBackend, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        outbound = any(e.get("DetailType") == "WhatsApp Message Sent" for e in events)
        if outbound and left["refusals"]:
            left["refusals"] -= 1
            raise JsonRESTError("ThrottlingException", "Rate exceeded")
        return put_events(self, events)

    monkeypatch.setattr(EventsBackend, "put_events", throttled)
    return left


def test_a_throttled_outbound_event_is_published_again_and_emailed_once(
    runtime: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the customer wrote, and EventBridge throttles the next two outbound events
    publish_inbound(runtime, tenant_of(runtime), [meta_message("text", "+919833300021", "Hi")])
    wait_for_emails(runtime, 1)
    left = _throttle_outbound_events(monkeypatch, times=2)

    # WHEN send_text is invoked
    answer = send_text(runtime, "+919833300021", "Your ticket is booked")

    # THEN the third try publishes the event, and the outbound e-mail goes once
    assert answer["ok"] and answer["notified"] is True, answer
    assert left["refusals"] == 0
    wait_for_emails(runtime, 1, subject_contains="[WECARE] Outbound to +919833300021")
    wait_until_drained(runtime)
    outbound = [m for m in runtime.outbox.messages() if "Outbound to" in m.subject]
    assert len(outbound) == 1 and "Your ticket is booked" in outbound[0].body


def test_an_outbound_event_refused_every_time_is_reported_not_raised(
    runtime: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the customer wrote, and EventBridge refuses every outbound event
    publish_inbound(runtime, tenant_of(runtime), [meta_message("text", "+919833300022", "Hi")])
    wait_for_emails(runtime, 1)
    _throttle_outbound_events(monkeypatch, times=99)

    # WHEN send_text is invoked
    answer = send_text(runtime, "+919833300022")

    # THEN the text went (WhatsApp has it, the conversation records it), and the answer
    # says that no e-mail will follow
    assert answer["ok"] is True and answer["recorded"] is True and answer["notified"] is False
    assert len(whatsapp_messages(runtime).sent_to("+919833300022")) == 1


def test_get_conversations_lists_latest_first_with_the_window(runtime: LocalRuntime) -> None:
    # GIVEN two customers wrote, the second one later
    publish_inbound(runtime, tenant_of(runtime), [meta_message("text", "+919833300003")])
    publish_inbound(runtime, tenant_of(runtime), [meta_message("text", "+919833300004")])
    runtime.table().update_item(
        Key={"PK": "TENANT#wecare-digital", "SK": "CONV#+919833300003"},
        UpdateExpression="SET lastInboundEpoch = :then",
        ExpressionAttributeValues={":then": int(time.time()) - 3600},
    )

    # WHEN the runbook's get_conversations is invoked with the WABA id
    answer = invoke_action(
        runtime, {"action": "get_conversations", "metaWabaId": "1347766229904230"}
    )

    # THEN both are listed, latest first, each with its window
    assert answer["ok"] and answer["tenantId"] == "wecare-digital"
    numbers = [c["customerNumber"] for c in answer["conversations"]]
    assert numbers == ["+919833300004", "+919833300003"]
    assert all(c["windowOpen"] for c in answer["conversations"])
    other = invoke_action(runtime, {"action": "get_conversations", "tenantId": "manish-agarwal"})
    assert other["count"] == 0
    bad = invoke_action(
        runtime, {"action": "get_conversations", "tenantId": "wecare-digital", "limit": 0}
    )
    assert bad["error"] == "InvalidInput"
