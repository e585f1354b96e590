"""The input of a profile-apply execution, checked and completed from the tenant's config.

The runbook's payload (``tenantId`` or ``metaWabaId``, ``phoneNumberId``, and the profile
fields at the top level) is the workflow's input; ``requestedBy`` and
``approvalTimeoutSeconds`` (the deadline, default 7 days) and ``reminderBeforeSeconds`` (how
long before the deadline the reminder goes, default a day or a seventh of a shorter
deadline) are optional.
"""

from __future__ import annotations

from typing import Any

from tasks.common.errors import ConfigurationError, InvalidInput
from tasks.profile_apply.profile import PROFILE_FIELDS, validate_profile
from tasks.profile_apply.tenants import TenantConfig, find_tenant

DEFAULT_APPROVAL_SECONDS = 7 * 24 * 3600
MIN_APPROVAL_SECONDS = 60
MAX_APPROVAL_SECONDS = 30 * 24 * 3600
MAX_REMINDER_LEAD_SECONDS = 24 * 3600
CONTROL_FIELDS = ("action", "tenantId", "metaWabaId", "phoneNumberId", "requestedBy",
                  "approvalTimeoutSeconds", "reminderBeforeSeconds")


def reminder_lead(timeout_seconds: int) -> int:
    """How long before the deadline the reminder goes: a day, or a seventh of a shorter wait."""
    return max(1, min(MAX_REMINDER_LEAD_SECONDS, timeout_seconds // 7))


def profile_request(payload: dict[str, Any]) -> dict[str, Any]:
    """The checked request the workflow carries from step to step.

    Raises
    ------
    InvalidProfile
        A profile field breaks a WhatsApp limit (the message names each one).
    InvalidInput
        An unknown field, a phone number of another tenant, or a bad deadline.
    UnknownTenant
        No tenant has that tenantId or metaWabaId.
    ConfigurationError
        The tenant has no approvers, or needs more approvals than it has approvers.
    """
    unknown = sorted(set(payload) - set(PROFILE_FIELDS) - set(CONTROL_FIELDS))
    if unknown:
        raise InvalidInput(
            f"unknown field(s) {', '.join(unknown)}; the profile fields are "
            f"{', '.join(PROFILE_FIELDS)}"
        )
    profile = validate_profile(payload)
    tenant = find_tenant(payload.get("tenantId") or payload.get("metaWabaId") or "")
    phone_number_id = payload.get("phoneNumberId") or tenant.phone_number_id
    if phone_number_id != tenant.phone_number_id:
        raise InvalidInput(
            f"phoneNumberId {phone_number_id!r} is not the phone number of tenant "
            f"{tenant.tenant_id} ({tenant.phone_number_id})"
        )
    _check_approvers(tenant)
    timeout = _approval_timeout(payload.get("approvalTimeoutSeconds", DEFAULT_APPROVAL_SECONDS))
    lead = _reminder_before(payload.get("reminderBeforeSeconds"), timeout)
    return {
        "tenantId": tenant.tenant_id,
        "tenantName": tenant.display_name,
        "metaWabaId": tenant.meta_waba_id,
        "wabaId": tenant.waba_id,
        "phoneNumberId": phone_number_id,
        "profile": profile,
        "requestedBy": str(payload.get("requestedBy") or ""),
        "approvers": list(tenant.approvers),
        "approvalsRequired": tenant.required_approvals,
        "approvalTimeoutSeconds": timeout,
        "reminderAfterSeconds": timeout - lead,
        "reminderLeadSeconds": lead,
    }


def _check_approvers(tenant: TenantConfig) -> None:
    if not tenant.approvers:
        raise ConfigurationError(
            f"tenant {tenant.tenant_id} has no approvers; add e-mail addresses to its "
            "'approvers' in cdk.json (wecare:tenants) and deploy"
        )
    if not 1 <= tenant.required_approvals <= len(tenant.approvers):
        raise ConfigurationError(
            f"tenant {tenant.tenant_id} needs {tenant.required_approvals} approvals but names "
            f"{len(tenant.approvers)} approver(s); fix 'requiredApprovals' in cdk.json"
        )


def _reminder_before(value: Any, timeout: int) -> int:
    if value is None:
        return reminder_lead(timeout)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < timeout:
        raise InvalidInput(
            f"reminderBeforeSeconds is {value!r}; it must be a whole number of seconds between "
            f"1 and the deadline ({timeout:,} s)"
        )
    return value


def _approval_timeout(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            f"approvalTimeoutSeconds must be a whole number of seconds, not {value!r}"
        )
    if not MIN_APPROVAL_SECONDS <= value <= MAX_APPROVAL_SECONDS:
        raise InvalidInput(
            f"approvalTimeoutSeconds is {value:,}; it must be between {MIN_APPROVAL_SECONDS} "
            f"and {MAX_APPROVAL_SECONDS:,} (30 days)"
        )
    return value
