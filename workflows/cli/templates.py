"""``wecare-flows templates``: the WhatsApp template cache, through ``TemplatesByStatus``.

With ``--status`` it queries the index for that status; without, it scans the index,
which holds only cached templates. ``--tenant`` takes a tenantId or a metaWabaId.
"""

from __future__ import annotations

import json
from typing import Any

import click
from boto3.dynamodb.types import TypeDeserializer

from workflows.cli.connection import Connection, aws_errors
from workflows.cli.errors import NotFound
from workflows.resources import TABLE_NAME, TEMPLATES_BY_STATUS_INDEX
from workflows.settings import load_settings

CACHE_PREFIX = "TEMPLATE#"
COLUMNS = (("TENANT", "tenantId", 16), ("TEMPLATE", "templateName", 28),
           ("LANGUAGE", "language", 9), ("CATEGORY", "category", 15),
           ("STATUS", "templateStatus", 17), ("QUALITY", "qualityScore", 8),
           ("META ID", "metaTemplateId", 18), ("UPDATED (UTC)", "updatedAt", 18))
REASON_WIDTH = 60


@click.command()
@click.option("--status", "status_filter", metavar="STATUS",
              help="only this status: APPROVED, PENDING, REJECTED, PAUSED, DISABLED, DELETED …")
@click.option("--tenant", help="only this tenant (tenantId or metaWabaId)")
@click.option("--json", "as_json", is_flag=True, help="the cached items as JSON")
@click.pass_obj
def templates(
    connection: Connection, status_filter: str | None, tenant: str | None, as_json: bool
) -> None:
    """List the cached WhatsApp templates and their review status."""
    tenant_id = _tenant_id(tenant) if tenant else None
    items = cached_templates(connection, status_filter.upper() if status_filter else None,
                             tenant_id)
    items.sort(key=lambda i: (i.get("tenantId", ""), i.get("templateName", ""),
                              i.get("language", "")))
    if as_json:
        click.echo(json.dumps(items, indent=2, default=str))
        return
    if not items:
        which = f" with status {status_filter.upper()}" if status_filter else ""
        click.echo(f"no cached templates{which}; 'wecare-flows start template-sync' fills "
                   "the cache from End User Messaging Social")
        return
    click.echo("".join(f"{title:<{width}}" for title, _, width in COLUMNS) + "REASON")
    for item in items:
        row = "".join(f"{_cell(item.get(key), width):<{width}}" for _, key, width in COLUMNS)
        click.echo(row + _cell(item.get("statusReason"), REASON_WIDTH))
    click.echo(f"\n{len(items)} template(s)")


def cached_templates(
    connection: Connection, status: str | None, tenant_id: str | None
) -> list[dict[str, Any]]:
    """Cached templates from the index: a Query for one status, else a Scan of the index."""
    params: dict[str, Any] = {"TableName": TABLE_NAME, "IndexName": TEMPLATES_BY_STATUS_INDEX}
    values: dict[str, Any] = {":cache": {"S": CACHE_PREFIX}}
    filters = []
    if tenant_id:
        filters.append("PK = :pk")
        values[":pk"] = {"S": f"TENANT#{tenant_id}"}
    if status:
        operation = "query"
        params["KeyConditionExpression"] = "templateStatus = :status AND begins_with(SK, :cache)"
        values[":status"] = {"S": status}
    else:
        operation = "scan"
        filters.append("begins_with(SK, :cache)")
    if filters:
        params["FilterExpression"] = " AND ".join(filters)
    params["ExpressionAttributeValues"] = values

    dynamodb = connection.client("dynamodb")
    items: list[dict[str, Any]] = []
    with aws_errors(connection):
        for page in dynamodb.get_paginator(operation).paginate(**params):
            items.extend(_plain(item) for item in page.get("Items", []))
    return items


def _tenant_id(tenant: str) -> str:
    try:
        return load_settings().tenant(tenant).tenant_id
    except KeyError as exc:
        raise NotFound(str(exc.args[0])) from None


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    deserializer = TypeDeserializer()
    plain = {key: deserializer.deserialize(value) for key, value in item.items()}
    return {key: (int(value) if hasattr(value, "to_integral_value") else value)
            for key, value in plain.items()}


def _cell(value: Any, width: int) -> str:
    text = "" if value is None else str(value)
    if len(text) > 16 and text[10:11] == "T":  # an ISO timestamp: to the minute
        text = f"{text[:10]} {text[11:16]}"
    return text if len(text) < width else text[: width - 2] + "…"
