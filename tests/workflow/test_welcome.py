"""The welcome reply (runbook section 5) on the embedded runtime: the welcome text and the
main menu as a WhatsApp list, once per cooldown, through the runbook's actions."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.operator import invoke_action
from tests.workflow.message_notify_flow import (
    publish_inbound,
    tenant_of,
    wait_for_emails,
    wait_until_drained,
)
from workflows.cli.messages import DEFAULT_MENU
from workflows.local.runtime import LocalRuntime
from workflows.local.standins.whatsapp_messages import whatsapp_messages
from workflows.message_samples import meta_message

WELCOME = "Welcome to WECARE.DIGITAL \N{WAVING HAND SIGN}"
CUSTOMER = "+919822200001"


def enable_welcome(runtime: LocalRuntime, cooldown_hours: float = 72, menu: bool = True) -> None:
    answer = invoke_action(
        runtime,
        {
            "action": "update_welcome_config",
            "tenantId": "1347766229904230",  # the runbook names the tenant by its WABA id
            "welcomeText": WELCOME,
            "enabled": True,
            "cooldownHours": cooldown_hours,
        },
    )
    assert answer["ok"], answer
    if menu:
        answer = invoke_action(
            runtime, {"action": "update_menu_config", "tenantId": "wecare-digital", **DEFAULT_MENU}
        )
        assert answer["ok"], answer


def message_from(customer: str, text: str = "Hi") -> dict[str, Any]:
    return meta_message("text", customer, text)


def welcomes(runtime: LocalRuntime, customer: str = CUSTOMER) -> list[Any]:
    return whatsapp_messages(runtime).sent_to(customer)


def test_a_first_message_gets_the_welcome_with_the_main_menu(runtime: LocalRuntime) -> None:
    # GIVEN the tenant's welcome is enabled and its main menu seeded
    enable_welcome(runtime)

    # WHEN a customer writes for the first time
    publish_inbound(runtime, tenant_of(runtime), [message_from(CUSTOMER)])

    # THEN they get one WhatsApp list: the welcome text, the menu's sections and rows
    (sent,) = welcomes(runtime)
    assert sent.origination_phone_number_id == tenant_of(runtime).phone_number_id
    assert sent.message["type"] == "interactive"
    interactive = sent.message["interactive"]
    assert interactive["type"] == "list"
    assert interactive["body"]["text"] == WELCOME
    assert interactive["header"] == {"type": "text", "text": "WECARE.DIGITAL"}
    assert interactive["action"]["button"] == "Menu"
    rows = [row["id"] for section in interactive["action"]["sections"] for row in section["rows"]]
    assert rows == ["book_trip", "my_bookings", "payments", "talk_to_us", "about"]
    # AND the team gets the inbound e-mail and the outbound one for the welcome
    emails = wait_for_emails(runtime, 2)
    subjects = sorted(email.subject for email in emails)
    assert subjects == [
        f"[WECARE] Inbound from Asha ({CUSTOMER})",
        f"[WECARE] Outbound to {CUSTOMER}",
    ]
    outbound = next(email for email in emails if "Outbound" in email.subject)
    assert WELCOME in outbound.body and "Book a trip | My bookings" in outbound.body
    assert sent.message_id in outbound.body


def test_a_second_message_within_the_cooldown_gets_no_welcome(runtime: LocalRuntime) -> None:
    # GIVEN a customer was welcomed
    enable_welcome(runtime)
    publish_inbound(runtime, tenant_of(runtime), [message_from(CUSTOMER, "Hi")])

    # WHEN they write again within 72 hours (and another customer writes too)
    publish_inbound(runtime, tenant_of(runtime), [message_from(CUSTOMER, "Are you there?")])
    publish_inbound(runtime, tenant_of(runtime), [message_from("+919822200002")])

    # THEN only the first message of each customer was answered
    assert len(welcomes(runtime)) == 1
    assert len(welcomes(runtime, "+919822200002")) == 1
    wait_for_emails(runtime, 5)  # 3 inbound, 2 outbound
    wait_until_drained(runtime)
    assert len(runtime.outbox.messages()) == 5


def test_the_welcome_comes_again_after_the_cooldown(runtime: LocalRuntime) -> None:
    # GIVEN a customer was welcomed 73 hours ago
    enable_welcome(runtime, cooldown_hours=72)
    publish_inbound(runtime, tenant_of(runtime), [message_from(CUSTOMER)])
    _welcomed_hours_ago(runtime, CUSTOMER, 73)

    # WHEN they write again
    publish_inbound(runtime, tenant_of(runtime), [message_from(CUSTOMER, "Back again")])

    # THEN they are welcomed again
    assert len(welcomes(runtime)) == 2


def test_a_shorter_cooldown_is_honoured(runtime: LocalRuntime) -> None:
    # GIVEN a 1-hour cooldown, and a customer welcomed 2 hours ago
    enable_welcome(runtime, cooldown_hours=1)
    publish_inbound(runtime, tenant_of(runtime), [message_from(CUSTOMER)])
    _welcomed_hours_ago(runtime, CUSTOMER, 2)

    # WHEN they write again
    publish_inbound(runtime, tenant_of(runtime), [message_from(CUSTOMER, "Hello?")])

    # THEN the cooldown has passed: a second welcome
    assert len(welcomes(runtime)) == 2


def _welcomed_hours_ago(runtime: LocalRuntime, customer: str, hours: float) -> None:
    runtime.table().update_item(
        Key={"PK": "TENANT#wecare-digital", "SK": f"CONV#{customer}"},
        UpdateExpression="SET lastWelcomedEpoch = :then",
        ExpressionAttributeValues={":then": int(time.time() - hours * 3600)},
    )


def test_no_welcome_when_it_is_disabled_or_never_configured(runtime: LocalRuntime) -> None:
    # GIVEN no welcome config at all: a message gets no reply
    publish_inbound(runtime, tenant_of(runtime), [message_from(CUSTOMER)])
    assert welcomes(runtime) == []

    # GIVEN the welcome is configured, then disabled (only enabled changes)
    enable_welcome(runtime)
    answer = invoke_action(
        runtime, {"action": "update_welcome_config", "tenantId": "wecare-digital", "enabled": False}
    )
    assert answer["ok"] and answer["welcome"]["welcomeText"] == WELCOME
    assert answer["welcome"]["enabled"] is False

    # WHEN a new customer writes
    publish_inbound(runtime, tenant_of(runtime), [message_from("+919822200003")])

    # THEN nobody is welcomed
    assert welcomes(runtime, "+919822200003") == []


def test_without_a_menu_the_welcome_is_plain_text(runtime: LocalRuntime) -> None:
    enable_welcome(runtime, menu=False)

    publish_inbound(runtime, tenant_of(runtime), [message_from(CUSTOMER)])

    (sent,) = welcomes(runtime)
    assert sent.message["type"] == "text" and sent.message["text"]["body"] == WELCOME


def test_the_same_webhook_delivered_twice_welcomes_and_notifies_once(
    runtime: LocalRuntime,
) -> None:
    # GIVEN the welcome is enabled
    enable_welcome(runtime)
    message = message_from(CUSTOMER)

    # WHEN SNS delivers the same inbound message twice
    publish_inbound(runtime, tenant_of(runtime), [message])
    publish_inbound(runtime, tenant_of(runtime), [message])

    # THEN one welcome, one inbound e-mail and one outbound e-mail
    assert len(welcomes(runtime)) == 1
    wait_for_emails(runtime, 2)
    wait_until_drained(runtime)
    assert len(runtime.outbox.messages()) == 2
    stored = runtime.table().query(
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": f"CONV#wecare-digital#{CUSTOMER}"},
    )["Items"]
    assert len([item for item in stored if item["direction"] == "inbound"]) == 1


def test_a_throttled_welcome_is_given_back_and_sent_on_the_next_delivery(
    runtime: LocalRuntime,
) -> None:
    # GIVEN WhatsApp throttles the next send
    enable_welcome(runtime)
    whatsapp_messages(runtime).throttle("SendWhatsAppMessage", times=1)
    message = message_from(CUSTOMER)

    # WHEN the message arrives: the welcome fails (the inbound e-mail still goes)
    publish_inbound(runtime, tenant_of(runtime), [message])
    assert welcomes(runtime) == []
    wait_for_emails(runtime, 1, "Inbound")

    # AND SNS retries the delivery
    publish_inbound(runtime, tenant_of(runtime), [message])

    # THEN the welcome goes now, once; the inbound e-mail is not repeated
    assert len(welcomes(runtime)) == 1
    wait_for_emails(runtime, 2)
    wait_until_drained(runtime)
    assert len(runtime.outbox.messages()) == 2


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"buttonText": "A button label far too long"}, "buttonText"),
        (
            {"sections": [{"title": "T", "rows": [{"id": "a", "title": "x" * 25}]}]},
            "sections.0.rows.0.title",
        ),
        (
            {
                "sections": [
                    {
                        "title": "T",
                        "rows": [{"id": f"r{i}", "title": f"Row {i}"} for i in range(11)],
                    }
                ]
            },
            "rows",
        ),
        (
            {
                "sections": [
                    {"title": "A", "rows": [{"id": "same", "title": "One"}]},
                    {"title": "B", "rows": [{"id": "same", "title": "Two"}]},
                ]
            },
            "unique",
        ),
        (
            {
                "sections": [
                    {"rows": [{"id": "a", "title": "One"}]},
                    {"rows": [{"id": "b", "title": "Two"}]},
                ]
            },
            "needs a title",
        ),
    ],
)
def test_a_menu_breaking_whatsapp_limits_is_refused_with_the_reason(
    runtime: LocalRuntime, change: dict[str, Any], complaint: str
) -> None:
    answer = invoke_action(
        runtime,
        {"action": "update_menu_config", "tenantId": "wecare-digital", **DEFAULT_MENU, **change},
    )

    assert answer["ok"] is False and answer["error"] == "InvalidInput"
    assert complaint in answer["message"]
    assert (
        runtime.table().get_item(Key={"PK": "TENANT#wecare-digital", "SK": "MENU#main"}).get("Item")
        is None
    )


def test_welcome_config_is_checked_and_an_unknown_tenant_is_named(runtime: LocalRuntime) -> None:
    no_text = invoke_action(
        runtime, {"action": "update_welcome_config", "tenantId": "wecare-digital", "enabled": True}
    )
    bad_cooldown = invoke_action(
        runtime,
        {
            "action": "update_welcome_config",
            "tenantId": "wecare-digital",
            "welcomeText": "Hi",
            "cooldownHours": -1,
        },
    )
    unknown = invoke_action(
        runtime, {"action": "update_welcome_config", "tenantId": "nobody", "welcomeText": "Hi"}
    )

    assert no_text["error"] == "InvalidInput" and "welcomeText" in no_text["message"]
    assert bad_cooldown["error"] == "InvalidInput" and "cooldownHours" in bad_cooldown["message"]
    assert unknown["error"] == "UnknownTenant" and "'nobody'" in unknown["message"]
