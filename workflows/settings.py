"""Deployment settings, read from the context of ``cdk.json``.

The CDK app, the embedded runtime and the CLI read the same file, so a tenant, an
e-mail address or a knowledge base id is written down once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CDK_JSON = PROJECT_ROOT / "cdk.json"
LOCAL_ENDPOINT_PORT = 4599


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    display_name: str
    meta_waba_id: str
    phone_number: str
    phone_number_id: str
    waba_id: str
    approvers: tuple[str, ...] = ()
    required_approvals: int = 1
    payment: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_context(cls, raw: dict[str, Any]) -> Tenant:
        return cls(
            tenant_id=raw["tenantId"],
            display_name=raw["displayName"],
            meta_waba_id=raw["metaWabaId"],
            phone_number=raw["phoneNumber"],
            phone_number_id=raw["phoneNumberId"],
            waba_id=raw["wabaId"],
            approvers=tuple(raw.get("approvers", ())),
            required_approvals=int(raw.get("requiredApprovals", 1)),
            payment=dict(raw.get("payment", {})),
        )

    def records(self) -> list[dict[str, Any]]:
        """Every record a tenant has in the table: its config and its WABA alias."""
        return [self.as_record(), self.waba_alias_record()]

    def waba_alias_record(self) -> dict[str, Any]:
        """``PK=WABA#{metaWabaId}``: finds the tenant from a Meta WABA id."""
        return {"PK": f"WABA#{self.meta_waba_id}", "SK": "TENANT", "tenantId": self.tenant_id}

    def as_record(self) -> dict[str, Any]:
        """The tenant as the table keeps it (``PK=TENANT#{id}``, ``SK=CONFIG``)."""
        return {
            "PK": f"TENANT#{self.tenant_id}",
            "SK": "CONFIG",
            "tenantId": self.tenant_id,
            "displayName": self.display_name,
            "metaWabaId": self.meta_waba_id,
            "phoneNumber": self.phone_number,
            "phoneNumberId": self.phone_number_id,
            "wabaId": self.waba_id,
            "approvers": list(self.approvers),
            "requiredApprovals": self.required_approvals,
            "payment": self.payment,
        }


@dataclass(frozen=True)
class KnowledgeBase:
    knowledge_base_id: str
    data_source_id: str
    name: str
    seed_url: str
    rate_limit: int
    scope: str


@dataclass(frozen=True)
class Settings:
    region: str
    ses_sender_email: str
    ops_notify_to: str
    inbound_notify_to: str
    outbound_notify_to: str
    knowledge_base: KnowledgeBase
    tenants: tuple[Tenant, ...]
    context: dict[str, Any] = field(default_factory=dict, repr=False)

    def tenant(self, tenant_id: str) -> Tenant:
        for tenant in self.tenants:
            if tenant_id in (tenant.tenant_id, tenant.meta_waba_id):
                return tenant
        known = ", ".join(t.tenant_id for t in self.tenants)
        raise KeyError(f"unknown tenant {tenant_id!r}; known tenants: {known}")

    def task_environment(self) -> dict[str, str]:
        """Environment variables every task handler reads, locally and on AWS."""
        return {
            "SES_SENDER_EMAIL": self.ses_sender_email,
            "OPS_NOTIFY_TO": self.ops_notify_to,
            "INBOUND_NOTIFY_TO": self.inbound_notify_to,
            "OUTBOUND_NOTIFY_TO": self.outbound_notify_to,
            "KNOWLEDGE_BASE_ID": self.knowledge_base.knowledge_base_id,
            "DATA_SOURCE_ID": self.knowledge_base.data_source_id,
        }


def load_settings(path: Path = CDK_JSON) -> Settings:
    context = json.loads(path.read_text())["context"]
    kb = context["wecare:knowledgeBase"]
    return Settings(
        region=context["wecare:region"],
        ses_sender_email=context["wecare:sesSenderEmail"],
        ops_notify_to=context["wecare:opsNotifyTo"],
        inbound_notify_to=context["wecare:inboundNotifyTo"],
        outbound_notify_to=context["wecare:outboundNotifyTo"],
        knowledge_base=KnowledgeBase(
            knowledge_base_id=kb["knowledgeBaseId"],
            data_source_id=kb["dataSourceId"],
            name=kb["name"],
            seed_url=kb["seedUrl"],
            rate_limit=int(kb["rateLimit"]),
            scope=kb["scope"],
        ),
        tenants=tuple(Tenant.from_context(t) for t in context["wecare:tenants"]),
        context=context,
    )
