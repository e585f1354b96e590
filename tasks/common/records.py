"""Reading the project's table: every page of a query, and items as plain JSON values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tasks.common.clients import table
from tasks.common.errors import aws_call


def plain(value: Any) -> Any:
    """DynamoDB's Decimals as ints (or floats), recursively, so the value is plain JSON."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(item) for item in value]
    return value


def query_all(what: str, **params: Any) -> list[dict[str, Any]]:
    """Every item a table query finds, page after page; ``what`` names it in errors."""
    items: list[dict[str, Any]] = []
    while True:
        with aws_call(f"DynamoDB Query {what}"):
            page = table().query(**params)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
