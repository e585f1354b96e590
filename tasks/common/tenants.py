"""Finding a tenant's configuration by tenant id or by Meta WABA id.

The runbook names a tenant both ways (``"tenantId":"wecare-digital"`` and
``"tenantId":"1347766229904230"``). The table holds the config at
``PK=TENANT#{tenantId}, SK=CONFIG`` and an alias ``PK=WABA#{metaWabaId}, SK=TENANT``.
"""

from __future__ import annotations

from typing import Any

from tasks.common.clients import table
from tasks.common.errors import InvalidInput


class UnknownTenant(InvalidInput):
    """No tenant has this id or Meta WABA id."""


def find_tenant(tenant_or_waba_id: Any) -> dict[str, Any]:
    if not isinstance(tenant_or_waba_id, str) or not tenant_or_waba_id:
        raise UnknownTenant("tenantId (or metaWabaId) is required")
    config = table().get_item(Key={"PK": f"TENANT#{tenant_or_waba_id}", "SK": "CONFIG"})
    if "Item" in config:
        return config["Item"]
    alias = table().get_item(Key={"PK": f"WABA#{tenant_or_waba_id}", "SK": "TENANT"})
    if "Item" in alias:
        return find_tenant(alias["Item"]["tenantId"])
    raise UnknownTenant(f"{tenant_or_waba_id!r} is neither a tenant id nor a Meta WABA id")
