"""A tenant as the messaging code uses it, found by tenantId or Meta WABA id
(:func:`tasks.common.tenants.find_tenant`, which raises ``UnknownTenant``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tasks.common import tenants


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


def find_tenant(tenant_id_or_meta_waba_id: Any) -> Tenant:
    return Tenant.from_record(tenants.find_tenant(tenant_id_or_meta_waba_id))
