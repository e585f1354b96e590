"""The tenant a request names, by ``tenantId`` or ``metaWabaId`` (the runbook uses both)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tasks.common import tenants


@dataclass(frozen=True)
class TenantConfig:
    tenant_id: str
    display_name: str
    meta_waba_id: str
    phone_number_id: str
    waba_id: str
    approvers: tuple[str, ...]
    required_approvals: int

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> TenantConfig:
        return cls(
            tenant_id=record["tenantId"],
            display_name=record.get("displayName", record["tenantId"]),
            meta_waba_id=str(record.get("metaWabaId", "")),
            phone_number_id=record.get("phoneNumberId", ""),
            waba_id=record.get("wabaId", ""),
            approvers=tuple(record.get("approvers") or ()),
            required_approvals=int(record.get("requiredApprovals", 1)),
        )


def find_tenant(identifier: Any) -> TenantConfig:
    """The tenant whose ``tenantId`` or ``metaWabaId`` is ``identifier``.

    Raises
    ------
    UnknownTenant
        When no tenant matches.
    """
    return TenantConfig.from_record(tenants.find_tenant(identifier))
