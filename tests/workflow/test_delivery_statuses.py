"""Delivery statuses WhatsApp reports for messages sent to a customer (runbook section 9,
"Message not delivered: check delivery status in DynamoDB")."""

from __future__ import annotations

import time
from typing import Any

from tests.operator import invoke_action
from tests.waiting import wait_until
from tests.workflow.message_notify_flow import publish_inbound, tenant_of, wait_until_drained
from workflows.local.runtime import LocalRuntime
from workflows.message_samples import delivery_status, meta_message, wamid

CUSTOMER = "+919855500031"
UNDELIVERABLE = [{
    "code": 131026,
    "title": "Message undeliverable",
    "error_data": {"details": "The recipient's phone number is not on WhatsApp"},
}]


def statuses_of(runtime: LocalRuntime, customer: str = CUSTOMER) -> list[dict[str, Any]]:
    answer = invoke_action(runtime, {"action": "get_conversations",
                                     "tenantId": "wecare-digital", "customer": customer})
    assert answer["ok"], answer
    return answer["deliveryStatuses"]


def test_statuses_arriving_out_of_order_end_at_the_furthest_one(runtime: LocalRuntime) -> None:
    # GIVEN a message sent to the customer
    tenant, message_id, now = tenant_of(runtime), wamid(), int(time.time())

    # WHEN WhatsApp reports it sent, then read, then (late) delivered
    for status, at in (("sent", now), ("read", now + 60), ("delivered", now + 30)):
        publish_inbound(runtime, tenant, [], statuses=[
            delivery_status(message_id, CUSTOMER, status, at)])

    # THEN get_conversations shows it read, with the time of each status
    seen_all = ("sentAt", "deliveredAt", "readAt")
    (record,) = wait_until(
        lambda: [s for s in statuses_of(runtime) if all(k in s for k in seen_all)],
        "three statuses",
    )
    assert record["messageId"] == message_id and record["status"] == "read"
    assert record["sentAt"] < record["deliveredAt"] < record["readAt"] == record["statusAt"]
    assert record["customerNumber"] == CUSTOMER and "statusRank" not in record
    # AND no e-mail is sent for a status
    wait_until_drained(runtime)
    assert runtime.outbox.messages() == []


def test_a_failed_message_keeps_metas_reason(runtime: LocalRuntime) -> None:
    # GIVEN the customer wrote; then a message to them fails, reported with a new message
    tenant, failed_id, now = tenant_of(runtime), wamid(), int(time.time())
    publish_inbound(runtime, tenant, [meta_message("text", CUSTOMER, "Hello?")], statuses=[
        delivery_status(failed_id, CUSTOMER, "failed", now, errors=UNDELIVERABLE)])

    # THEN the failure is recorded with Meta's code, title and details
    (record,) = wait_until(lambda: statuses_of(runtime), "the failed status")
    assert record["status"] == "failed"
    assert record["errors"] == [
        "131026 Message undeliverable: The recipient's phone number is not on WhatsApp"]
    # AND the inbound message of the same change is stored and e-mailed as usual
    wait_until_drained(runtime)
    assert [m.subject for m in runtime.outbox.messages()] == [
        f"[WECARE] Inbound from Asha ({CUSTOMER})"]


def test_a_status_without_a_recipient_is_skipped_and_the_others_kept(
    runtime: LocalRuntime,
) -> None:
    tenant, kept_id, now = tenant_of(runtime), wamid(), int(time.time())
    broken = {"id": wamid(), "status": "sent", "timestamp": str(now)}

    publish_inbound(runtime, tenant, [], statuses=[
        broken, delivery_status(kept_id, CUSTOMER, "delivered", now)])

    (record,) = wait_until(lambda: statuses_of(runtime), "the kept status")
    assert record["messageId"] == kept_id and record["status"] == "delivered"
