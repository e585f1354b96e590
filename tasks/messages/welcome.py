"""The welcome reply (runbook section 5): on an inbound message, when the tenant's welcome
is enabled and the customer was not welcomed within ``cooldownHours`` (default 72),
reply with the welcome text and the tenant's main menu as an interactive list.

Config: ``PK=TENANT#{tenantId}``, ``SK=WELCOME``. The cooldown is claimed with a
conditional write before sending, so two deliveries of the same message (or two
messages at once) welcome the customer once; a failed send gives the claim back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger
from pydantic import BaseModel, Field, ValidationError

from tasks.common.clients import table
from tasks.common.errors import InvalidInput, aws_call
from tasks.messages.conversations import claim_welcome, iso, release_welcome
from tasks.messages.menu import MAIN_MENU, list_message, load_menu
from tasks.messages.outbound import send_to_customer
from tasks.messages.schema import Customer, Detail, Message
from tasks.messages.tenants import Tenant
from tasks.messages.validation import readable

logger = Logger(service="messages")

DEFAULT_COOLDOWN_HOURS = 72


class WelcomeConfig(BaseModel):
    welcomeText: str = Field(min_length=1, max_length=4096)
    enabled: bool = True
    cooldownHours: float = Field(default=DEFAULT_COOLDOWN_HOURS, gt=0, le=24 * 365)


def parse_welcome(fields: dict[str, Any]) -> WelcomeConfig:
    try:
        return WelcomeConfig.model_validate(
            {k: v for k, v in fields.items() if k in WelcomeConfig.model_fields}
        )
    except ValidationError as exc:
        raise InvalidInput(f"welcome config refused: {readable(exc)}") from exc


def load_welcome(tenant: Tenant) -> dict[str, Any] | None:
    with aws_call("DynamoDB GetItem welcome"):
        return table().get_item(Key={"PK": tenant.key, "SK": "WELCOME"}).get("Item")


def save_welcome(tenant: Tenant, config: WelcomeConfig) -> dict[str, Any]:
    record = {
        "PK": tenant.key,
        "SK": "WELCOME",
        "recordType": "WelcomeConfig",
        "tenantId": tenant.tenant_id,
        "updatedAt": iso(datetime.now(UTC)),
        "welcomeText": config.welcomeText,
        "enabled": config.enabled,
        "cooldownHours": Decimal(str(config.cooldownHours)),
    }
    with aws_call("DynamoDB PutItem welcome"):
        table().put_item(Item=record)
    return record


def welcome_if_due(tenant: Tenant, customer: Customer, now: datetime) -> dict[str, Any]:
    """Send the welcome if it is enabled and due; says what happened either way."""
    stored = load_welcome(tenant)
    if stored is None or not stored.get("enabled"):
        return {"welcomed": False, "reason": "welcome is not enabled for this tenant"}
    config = parse_welcome(stored)
    if not claim_welcome(tenant, customer.number, now, config.cooldownHours):
        return {"welcomed": False, "reason": f"welcomed within {config.cooldownHours:g} hours"}

    menu = load_menu(tenant, MAIN_MENU)
    shown = Message(messageId="pending", type="text", text=config.welcomeText)
    if menu is None:
        payload: dict[str, Any] = {"type": "text", "text": {"body": config.welcomeText}}
    else:
        payload = list_message(menu, body=config.welcomeText)
        rows = [row.title for section in menu.sections for row in section.rows]
        shown = shown.model_copy(
            update={
                "type": "interactive",
                "details": [Detail(label="Menu", value=" | ".join(rows))],
            }
        )
    try:
        sent = send_to_customer(tenant, customer, payload, shown)
    except Exception:
        release_welcome(tenant, customer.number, now)
        raise
    logger.info("Welcome sent", extra={"messageId": sent["messageId"], "menu": menu is not None})
    return {"welcomed": True, **sent}
