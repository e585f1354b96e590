"""The template cache in the table, which ``TemplatesByStatus`` indexes by status.

Item: ``PK=TENANT#{tenantId}``, ``SK=TEMPLATE#{name}#{language}`` with ``templateStatus``,
``metaTemplateId``, ``category``, ``qualityScore``, ``statusReason``, ``statusSource``
(create, event, poll, sync), ``updatedAt`` and, once synced, ``syncedAt``. Every write
is conditional, so a late or repeated word about a template changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from tasks.common.clients import table
from tasks.common.errors import aws_call, error_code
from tasks.common.records import plain
from tasks.templates.language import normalize_language
from tasks.templates.tenants import TenantRef

RECORD_TYPE = "Template"
DELETED = "DELETED"


def now() -> str:
    return datetime.now(UTC).isoformat()


def template_key(tenant_id: str, name: str, language: str) -> dict[str, str]:
    return {"PK": f"TENANT#{tenant_id}", "SK": f"TEMPLATE#{name}#{normalize_language(language)}"}


def cached_template(tenant_id: str, name: str, language: str) -> dict[str, Any] | None:
    item = table().get_item(Key=template_key(tenant_id, name, language)).get("Item")
    return plain(item) if item else None


def record_submitted(
    tenant: TenantRef, name: str, language: str, created: dict[str, Any], execution_arn: str
) -> bool:
    """Cache a template just created, unless the cache already knows this very template
    (a status event can overtake the create call). Returns whether it wrote."""
    return _update(
        template_key(tenant.tenant_id, name, language),
        {
            **_identity(tenant, name, language),
            "metaTemplateId": created["metaTemplateId"],
            "templateStatus": created["templateStatus"],
            "category": created["category"],
            "statusSource": "create",
            "submittedBy": execution_arn,
            "submittedAt": now(),
            "updatedAt": now(),
        },
        remove=("statusReason",),
        condition="attribute_not_exists(metaTemplateId) OR metaTemplateId <> :metaTemplateId",
    )


def record_status(
    tenant: TenantRef,
    name: str,
    language: str,
    meta_template_id: str,
    status: str,
    reason: str | None,
    source: str,
) -> bool:
    """Cache a status Meta reported, only if it changes something. Returns whether it wrote."""
    values: dict[str, Any] = {
        **_identity(tenant, name, language),
        "metaTemplateId": str(meta_template_id),
        "templateStatus": status,
        "statusSource": source,
        "updatedAt": now(),
    }
    remove: tuple[str, ...] = ()
    if reason and reason != "NONE":
        values["statusReason"] = reason
    else:
        remove = ("statusReason",)
    return _update(
        template_key(tenant.tenant_id, name, language),
        values,
        remove=remove,
        condition="attribute_not_exists(templateStatus) OR templateStatus <> :templateStatus "
        "OR metaTemplateId <> :metaTemplateId",
    )


def record_synced(tenant: TenantRef, summary: dict[str, Any], sync_id: str) -> None:
    """Upsert one ``ListWhatsAppMessageTemplates`` summary, marking it seen by this sync."""
    language = normalize_language(summary.get("templateLanguage"))
    values = {
        **_identity(tenant, summary["templateName"], language),
        "metaTemplateId": summary.get("metaTemplateId", ""),
        "templateStatus": summary.get("templateStatus", "UNKNOWN"),
        "category": summary.get("templateCategory", ""),
        "qualityScore": summary.get("templateQualityScore", "UNKNOWN"),
        "statusSource": "sync",
        "syncedAt": sync_id,
        "updatedAt": now(),
    }
    _update(template_key(tenant.tenant_id, summary["templateName"], language), values)


def cached_templates(tenant_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {
        "KeyConditionExpression": Key("PK").eq(f"TENANT#{tenant_id}")
        & Key("SK").begins_with("TEMPLATE#")
    }
    while True:
        page = table().query(**params)
        items.extend(plain(item) for item in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def mark_deleted(item: dict[str, Any], sync_id: str, sync_started_at: str) -> bool:
    """DELETED for a cached template this sync did not see and nobody touched since the
    sync started (a template submitted meanwhile is not in the listing yet)."""
    return _update(
        {"PK": item["PK"], "SK": item["SK"]},
        {"templateStatus": DELETED, "statusSource": "sync", "deletedAt": now(),
         "updatedAt": now()},
        condition="attribute_exists(PK) AND templateStatus <> :templateStatus "
        "AND (attribute_not_exists(syncedAt) OR syncedAt <> :syncId) "
        "AND updatedAt < :syncStartedAt",
        extra={":syncId": sync_id, ":syncStartedAt": sync_started_at},
    )



def _identity(tenant: TenantRef, name: str, language: str) -> dict[str, str]:
    return {
        "recordType": RECORD_TYPE,
        "tenantId": tenant.tenant_id,
        "metaWabaId": tenant.meta_waba_id,
        "templateName": name,
        "language": normalize_language(language),
    }


def _update(
    key: dict[str, str],
    values: dict[str, Any],
    remove: tuple[str, ...] = (),
    condition: str | None = None,
    extra: dict[str, Any] | None = None,
) -> bool:
    """SET ``values`` (and REMOVE ``remove``) on one item; False when ``condition`` fails."""
    names = {f"#{name}": name for name in values} | {f"#{name}": name for name in remove}
    expression = "SET " + ", ".join(f"#{name} = :{name}" for name in values)
    if remove:
        expression += " REMOVE " + ", ".join(f"#{name}" for name in remove)
    params: dict[str, Any] = {
        "Key": key,
        "UpdateExpression": expression,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {f":{name}": value for name, value in values.items()}
        | (extra or {}),
    }
    if condition:
        params["ConditionExpression"] = condition
    try:
        with aws_call("DynamoDB UpdateItem"):
            table().update_item(**params)
    except ClientError as exc:
        if error_code(exc) == "ConditionalCheckFailedException":
            return False
        raise
    return True
