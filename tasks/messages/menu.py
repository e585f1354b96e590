"""A tenant's menus (``PK=TENANT#{tenantId}``, ``SK=MENU#{menuId}``) and the interactive
list message built from one (runbook section 5, ``update_menu_config``).

Meta's limits for a list message: button label ≤ 20 characters, body ≤ 4096, header and
footer ≤ 60, at most 10 sections with at most 10 rows in all, section and row titles
≤ 24, row descriptions ≤ 72, row ids ≤ 200 and unique.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator

from tasks.common.clients import table
from tasks.common.errors import InvalidInput, aws_call
from tasks.messages.conversations import iso
from tasks.messages.tenants import Tenant
from tasks.messages.validation import readable

MAIN_MENU = "main"
MAX_ROWS = 10


class MenuRow(BaseModel):
    id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=24)
    description: str = Field(default="", max_length=72)


class MenuSection(BaseModel):
    title: str = Field(default="", max_length=24)
    rows: list[MenuRow] = Field(min_length=1, max_length=MAX_ROWS)


class Menu(BaseModel):
    menuId: str = Field(default=MAIN_MENU, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    title: str = Field(default="", max_length=60)
    body: str = Field(default="Please choose an option.", min_length=1, max_length=4096)
    buttonText: str = Field(default="Menu", min_length=1, max_length=20)
    footer: str = Field(default="", max_length=60)
    sections: list[MenuSection] = Field(min_length=1, max_length=10)

    @model_validator(mode="after")
    def _whatsapp_list_rules(self) -> Menu:
        rows = [row for section in self.sections for row in section.rows]
        problems = []
        if len(rows) > MAX_ROWS:
            problems.append(f"the menu has {len(rows)} rows; WhatsApp allows {MAX_ROWS} in all")
        ids = [row.id for row in rows]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            problems.append(f"row ids must be unique; repeated: {', '.join(duplicates)}")
        if len(self.sections) > 1 and not all(s.title for s in self.sections):
            problems.append("every section needs a title when there is more than one")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def parse_menu(payload: dict[str, Any]) -> Menu:
    fields = {k: v for k, v in payload.items() if k in Menu.model_fields}
    try:
        return Menu.model_validate(fields)
    except ValidationError as exc:
        raise InvalidInput(f"menu config refused: {readable(exc)}") from exc


def save_menu(tenant: Tenant, menu: Menu) -> dict[str, Any]:
    record = {
        "PK": tenant.key,
        "SK": f"MENU#{menu.menuId}",
        "recordType": "MenuConfig",
        "tenantId": tenant.tenant_id,
        "updatedAt": iso(datetime.now(UTC)),
        **menu.model_dump(),
    }
    with aws_call("DynamoDB PutItem menu"):
        table().put_item(Item=record)
    return record


def load_menu(tenant: Tenant, menu_id: str = MAIN_MENU) -> Menu | None:
    with aws_call("DynamoDB GetItem menu"):
        item = table().get_item(Key={"PK": tenant.key, "SK": f"MENU#{menu_id}"}).get("Item")
    if item is None:
        return None
    return Menu.model_validate({k: v for k, v in item.items() if k in Menu.model_fields})


def list_message(menu: Menu, body: str | None = None) -> dict[str, Any]:
    """The ``interactive`` list message of the menu (its body, or ``body`` instead)."""
    interactive: dict[str, Any] = {
        "type": "list",
        "body": {"text": (body or menu.body)[:4096]},
        "action": {
            "button": menu.buttonText,
            "sections": [section.model_dump(exclude_defaults=True) for section in menu.sections],
        },
    }
    if menu.title:
        interactive["header"] = {"type": "text", "text": menu.title}
    if menu.footer:
        interactive["footer"] = {"text": menu.footer}
    return {"type": "interactive", "interactive": interactive}
