"""The End User Messaging Social template calls (``socialmessaging``), with their errors
mapped to the workflow's error names.

``templateDefinition`` is a blob: boto3 base64-encodes it, so it is passed as the JSON's
bytes, never pre-encoded.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from tasks.common.clients import client
from tasks.common.errors import TaskError, error_code, transient_error
from tasks.templates.errors import TemplateApiRefused, TemplateNotFound


def create_template(waba_id: str, definition: dict[str, Any]) -> dict[str, Any]:
    """``{metaTemplateId, templateStatus, category}`` of the new template."""
    response = _call(
        "create_whatsapp_message_template",
        id=waba_id,
        templateDefinition=json.dumps(definition).encode("utf-8"),
    )
    return {
        "metaTemplateId": response["metaTemplateId"],
        "templateStatus": response.get("templateStatus", "PENDING"),
        "category": response.get("category", definition.get("category")),
    }


def get_template(
    waba_id: str, meta_template_id: str | None = None, name: str = "", language: str = ""
) -> dict[str, Any]:
    """Meta's template JSON (``id``, ``name``, ``language``, ``status``, ``category``,
    ``components``, ``rejected_reason`` …), by id or by name and language."""
    params: dict[str, Any] = {"id": waba_id}
    if meta_template_id:
        params["metaTemplateId"] = str(meta_template_id)
    else:
        params.update(templateName=name, templateLanguageCode=language)
    response = _call("get_whatsapp_message_template", **params)
    return json.loads(response["template"])


def find_template(waba_id: str, name: str, language: str) -> dict[str, Any] | None:
    try:
        return get_template(waba_id, name=name, language=language)
    except TemplateNotFound:
        return None


def list_templates_page(
    waba_id: str, next_token: str | None, page_size: int
) -> tuple[list[dict[str, Any]], str | None]:
    params: dict[str, Any] = {"id": waba_id, "maxResults": page_size}
    if next_token:
        params["nextToken"] = next_token
    response = _call("list_whatsapp_message_templates", **params)
    return response.get("templates", []), response.get("nextToken")


def _call(operation: str, **params: Any) -> dict[str, Any]:
    """Call one ``socialmessaging`` operation by its boto3 method name."""
    try:
        return getattr(client("socialmessaging"), operation)(**params)
    except ClientError as exc:
        raise _task_error(exc, operation) from exc


def _task_error(exc: ClientError, operation: str) -> TaskError:
    code = error_code(exc)
    message = exc.response.get("Error", {}).get("Message", "")
    transient = transient_error(exc, f"socialmessaging {operation}")
    if transient is not None:
        return transient
    if code == "ResourceNotFoundException":
        return TemplateNotFound(f"socialmessaging {operation}: {message}")
    return TemplateApiRefused(f"socialmessaging {operation} refused ({code}): {message}")
