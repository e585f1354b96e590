"""Messaging actions of the runbook: ``update_welcome_config``, ``update_menu_config``
(section 5), ``get_conversations`` and ``send_text`` (section 10).

A tenant is named by ``tenantId`` or ``metaWabaId`` (the runbook uses both).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.actions.registry import action
from tasks.common.errors import InvalidInput
from tasks.common.records import plain
from tasks.messages.conversations import (
    CUSTOMER_SERVICE_WINDOW_SECONDS,
    conversation,
    conversations,
    messages,
    window_open,
)
from tasks.messages.delivery_statuses import delivery_statuses
from tasks.messages.errors import OutsideCustomerServiceWindow
from tasks.messages.menu import parse_menu, save_menu
from tasks.messages.outbound import send_to_customer
from tasks.messages.schema import Customer, Message
from tasks.messages.tenants import Tenant, find_tenant
from tasks.messages.welcome import load_welcome, parse_welcome, save_welcome

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
MAX_TEXT = 4096
DEFAULT_LIMIT, MAX_LIMIT = 50, 200


def tenant_of(payload: dict[str, Any]) -> Tenant:
    return find_tenant(str(payload.get("tenantId") or payload.get("metaWabaId") or ""))


@action(
    "update_welcome_config",
    "Store the tenant's welcome reply: welcomeText, enabled, cooldownHours (default 72)",
)
def update_welcome_config(payload: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant = tenant_of(payload)
    current = load_welcome(tenant) or {}
    merged = {**current, **{k: v for k, v in payload.items() if v is not None}}
    if "welcomeText" not in merged:
        raise InvalidInput("welcomeText is required the first time (1 to 4096 characters)")
    record = save_welcome(tenant, parse_welcome(merged))
    return {"tenantId": tenant.tenant_id, "welcome": plain(_public(record))}


@action(
    "update_menu_config",
    "Store a menu of the tenant (menuId, default main): sections of rows shown as a WhatsApp list",
)
def update_menu_config(payload: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant = tenant_of(payload)
    record = save_menu(tenant, parse_menu(payload))
    return {"tenantId": tenant.tenant_id, "menu": plain(_public(record))}


@action(
    "get_conversations",
    "The tenant's conversations, latest first; with customer, that conversation's messages "
    "and the delivery statuses WhatsApp reported",
)
def get_conversations(payload: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant = tenant_of(payload)
    limit = _limit(payload.get("limit"))
    now = datetime.now(UTC)
    customer = payload.get("customer")
    if customer:
        number = _e164(customer, "customer")
        summary = conversation(tenant, number)
        return {
            "tenantId": tenant.tenant_id,
            "customer": number,
            "windowOpen": window_open(summary, now),
            "messages": [plain(_public(item)) for item in messages(tenant, number, limit)],
            "deliveryStatuses": [
                plain(_public(item, "statusRank"))
                for item in delivery_statuses(tenant, number, limit)
            ],
        }
    found = conversations(tenant, limit)
    return {
        "tenantId": tenant.tenant_id,
        "count": len(found),
        "conversations": [
            {**plain(_public(item)), "windowOpen": window_open(item, now)} for item in found
        ],
    }


@action("send_text", "Send a WhatsApp text to a customer (+E.164) inside the 24-hour window")
def send_text(payload: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tenant = tenant_of(payload)
    to = _e164(payload.get("to"), "to")
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("text is required")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"text has {len(text)} characters; WhatsApp allows {MAX_TEXT}")
    summary = conversation(tenant, to)
    if not window_open(summary, datetime.now(UTC)):
        hours = CUSTOMER_SERVICE_WINDOW_SECONDS // 3600
        last = (summary or {}).get("lastInboundAt", "never")
        raise OutsideCustomerServiceWindow(
            f"{to} last wrote at {last}; WhatsApp delivers free-form text only within "
            f"{hours} hours of the customer's last message. Send an approved template instead."
        )
    customer = Customer(number=to, name=str((summary or {}).get("customerName", "")))
    shown = Message(messageId="pending", type="text", text=text)
    sent = send_to_customer(tenant, customer, {"type": "text", "text": {"body": text}}, shown)
    return {"tenantId": tenant.tenant_id, "to": to, **sent}


def _e164(value: Any, field: str) -> str:
    if not isinstance(value, str) or not E164.match(value.replace(" ", "")):
        raise InvalidInput(
            f"{field} must be a number in E.164 form with '+', such as +919876543210 "
            "(without '+', Meta prepends the business number's country code)"
        )
    return value.replace(" ", "")


def _limit(raw: Any) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not isinstance(raw, int) or not 1 <= raw <= MAX_LIMIT:
        raise InvalidInput(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return raw


def _public(record: dict[str, Any], *hidden: str) -> dict[str, Any]:
    left_out = ("PK", "SK", "recordType", *hidden)
    return {k: v for k, v in record.items() if k not in left_out}
