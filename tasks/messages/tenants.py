"""Finding a tenant by its tenantId or its Meta WABA id (the runbook uses both).

Tenants are ``PK=TENANT#{tenantId}, SK=CONFIG``. A tenantId is one GetItem; a Meta WABA
id is looked up once per container with a filtered scan of the CONFIG records and then
remembered (the mapping of a WABA to its tenant does not change; a stale entry is
noticed and looked up again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import Attr

from tasks.common.clients import table
from tasks.messages.aws import aws_call
from tasks.messages.errors import TenantNotFound

CONFIG = "CONFIG"
_tenant_ids_by_waba: dict[str, str] = {}


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    display_name: str
    meta_waba_id: str
    waba_id: str
    phone_number: str
    phone_number_id: str

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Tenant:
        return cls(
            tenant_id=record["tenantId"],
            display_name=record.get("displayName", record["tenantId"]),
            meta_waba_id=str(record.get("metaWabaId", "")),
            waba_id=record.get("wabaId", ""),
            phone_number=record.get("phoneNumber", ""),
            phone_number_id=record.get("phoneNumberId", ""),
        )

    @property
    def key(self) -> str:
        return f"TENANT#{self.tenant_id}"

    def as_event(self) -> dict[str, str]:
        return {
            "tenantId": self.tenant_id,
            "displayName": self.display_name,
            "metaWabaId": self.meta_waba_id,
            "wabaId": self.waba_id,
            "phoneNumber": self.phone_number,
            "phoneNumberId": self.phone_number_id,
        }


def find_tenant(tenant_id_or_meta_waba_id: str) -> Tenant:
    """The tenant with this tenantId or Meta WABA id; ``TenantNotFound`` otherwise."""
    key = str(tenant_id_or_meta_waba_id or "").strip()
    if not key:
        raise TenantNotFound("no tenantId or metaWabaId given")
    record = _config(key)
    if record is None:
        record = _config(_tenant_ids_by_waba.get(key) or "")
        if record is None or str(record.get("metaWabaId")) != key:
            record = _scan_for_waba(key)
    if record is None:
        raise TenantNotFound(
            f"no tenant has tenantId or metaWabaId {key!r}; tenants are seeded from "
            "cdk.json (context wecare:tenants)"
        )
    return Tenant.from_record(record)


def _config(tenant_id: str) -> dict[str, Any] | None:
    if not tenant_id:
        return None
    with aws_call("DynamoDB GetItem tenant"):
        item = table().get_item(Key={"PK": f"TENANT#{tenant_id}", "SK": CONFIG})
    return item.get("Item")


def _scan_for_waba(meta_waba_id: str) -> dict[str, Any] | None:
    params: dict[str, Any] = {
        "FilterExpression": Attr("SK").eq(CONFIG) & Attr("metaWabaId").eq(meta_waba_id),
    }
    # TODO: this scans the whole table the first time a container meets a WABA id; an
    # alias record (PK=WABA#{metaWabaId}) written with the tenant would make it a GetItem.
    while True:
        with aws_call("DynamoDB Scan tenants"):
            page = table().scan(**params)
        for item in page.get("Items", []):
            _tenant_ids_by_waba[meta_waba_id] = item["tenantId"]
            return item
        if "LastEvaluatedKey" not in page:
            return None
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
