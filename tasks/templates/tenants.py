"""Tenant lookups: the runbook names a tenant by ``tenantId`` or by ``metaWabaId``
(:func:`tasks.common.tenants.find_tenant`, which raises ``UnknownTenant``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.conditions import Attr

from tasks.common import tenants
from tasks.common.clients import table


@dataclass(frozen=True)
class TenantRef:
    """What the template tasks need of a tenant: its ids, in the three spellings."""

    tenant_id: str
    meta_waba_id: str
    waba_id: str

    def as_json(self) -> dict[str, str]:
        return {"tenantId": self.tenant_id, "metaWabaId": self.meta_waba_id, "wabaId": self.waba_id}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> TenantRef:
        return cls(str(raw["tenantId"]), str(raw["metaWabaId"]), str(raw["wabaId"]))


def find_tenant(key: Any) -> TenantRef:
    """The tenant whose ``tenantId`` or ``metaWabaId`` is ``key``."""
    return TenantRef.from_json(tenants.find_tenant(key))


def all_tenants() -> list[TenantRef]:
    """Every tenant (the daily sync). A scan of the CONFIG items: once a day, on a table of
    tenants, templates and short-lived records."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {
        "FilterExpression": Attr("SK").eq("CONFIG") & Attr("PK").begins_with("TENANT#")
    }
    while True:
        page = table().scan(**params)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            break
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted((TenantRef.from_json(item) for item in items), key=lambda t: t.tenant_id)
