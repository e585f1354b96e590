"""``seed_payment_configs`` and ``validate_payment_configuration`` (runbook section 6).

WhatsApp Payments in India cannot be managed through End User Messaging Social, so these
keep each tenant's payment configuration in the table and check offline what can be
checked: the configuration name, the gateway account, the UPI VPA's syntax, the MCC and
the purpose code. Whether the configuration is Active in WhatsApp Manager, and whether a
VPA exists, can only be seen there; the answer says so.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.actions.registry import action
from tasks.common.clients import table
from tasks.common.errors import InvalidInput
from tasks.common.tenants import find_tenant

VPA = re.compile(r"^[A-Za-z0-9.\-_]{2,256}@[A-Za-z][A-Za-z0-9]{1,64}$")
MCC = re.compile(r"^\d{4}$")
PURPOSE_CODE = re.compile(r"^\d{2}$")
GATEWAY_MID = re.compile(r"^acc_[A-Za-z0-9]{14}$")
CONFIG_NAME_LIMIT = 60
NOT_CHECKABLE_OFFLINE = [
    "whether the configuration is Active in WhatsApp Manager (not Needs_Connecting or "
    "Needs_Testing)",
    "whether the UPI VPA exists and belongs to the gateway account",
    "whether the customer's number is eligible for WhatsApp Payments (India numbers)",
]


@action("seed_payment_configs", "Store each tenant's payment configuration from its config")
def seed_payment_configs(payload: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # TODO: a scan is fine for a handful of tenants; index tenants if there are hundreds.
    tenants = [item for item in table().scan()["Items"] if item.get("SK") == "CONFIG"]
    seeded = []
    for tenant in tenants:
        payment = tenant.get("payment") or {}
        if not payment.get("configName"):
            continue
        table().put_item(Item={
            "PK": tenant["PK"],
            "SK": f"PAYMENT#{payment['configName']}",
            "tenantId": tenant["tenantId"],
            "metaWabaId": tenant["metaWabaId"],
            "seededAt": datetime.now(UTC).isoformat(),
            **payment,
        })
        seeded.append({"tenantId": tenant["tenantId"], "configName": payment["configName"]})
    return {"seeded": sorted(seeded, key=lambda s: s["tenantId"])}


@action("validate_payment_configuration", "Check a tenant's payment configuration offline")
def validate_payment_configuration(
    payload: dict[str, Any], context: LambdaContext
) -> dict[str, Any]:
    tenant_id, name = payload.get("tenantId"), payload.get("configName")
    if not isinstance(name, str) or not name:
        raise InvalidInput("configName is required (the name in WhatsApp Manager)")
    tenant = find_tenant(tenant_id)
    config = table().get_item(Key={"PK": tenant["PK"], "SK": f"PAYMENT#{name}"}).get("Item")
    if config is None:
        raise InvalidInput(
            f"tenant {tenant['tenantId']} has no payment configuration named {name!r}; "
            "run the seed_payment_configs action first, or check the exact name"
        )
    problems = configuration_problems(config)
    return {
        "tenantId": tenant["tenantId"],
        "configName": name,
        "valid": not problems,
        "problems": problems,
        "notCheckableOffline": NOT_CHECKABLE_OFFLINE,
    }


def configuration_problems(config: dict[str, Any]) -> list[str]:
    """Each offline rule the configuration breaks, with the field and the value."""
    problems = []
    name = str(config.get("configName", ""))
    if len(name) > CONFIG_NAME_LIMIT:
        problems.append(f"configName has {len(name)} characters; WhatsApp allows "
                        f"{CONFIG_NAME_LIMIT}")
    checks = (
        ("gatewayMid", GATEWAY_MID, "a Razorpay account id such as acc_HDfub6wOfQybuH"),
        ("upiVpa", VPA, "a UPI VPA such as 9330994400@sbi"),
        ("mcc", MCC, "a 4-digit merchant category code such as 4722"),
        ("purposeCode", PURPOSE_CODE, "a 2-digit UPI purpose code such as 03"),
    )
    for field, pattern, expected in checks:
        value = str(config.get(field, ""))
        if not pattern.match(value):
            problems.append(f"{field} {value!r} is not {expected}")
    return problems
