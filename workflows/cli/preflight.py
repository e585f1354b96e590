"""Checks the CLI makes before it starts a workflow, so a mistake is caught at the prompt
rather than minutes later in a failed execution."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from workflows.cli.connection import Connection, aws_errors
from workflows.cli.errors import BadInput, NotFound
from workflows.settings import load_settings

BEDROCK_ID = re.compile(r"^[0-9a-zA-Z]{10}$")

Preflight = Callable[[Connection, dict[str, Any]], None]


def knowledge_base_exists(connection: Connection, execution_input: dict[str, Any]) -> None:
    defaults = load_settings().knowledge_base
    kb = execution_input.get("knowledgeBaseId", defaults.knowledge_base_id)
    ds = execution_input.get("dataSourceId", defaults.data_source_id)
    for field, value in (("knowledgeBaseId", kb), ("dataSourceId", ds)):
        if not isinstance(value, str) or not BEDROCK_ID.match(value):
            raise BadInput(f"{field} {value!r} is not a Bedrock id (10 letters or digits)")
    bedrock = connection.client("bedrock-agent")
    try:
        with aws_errors(connection):
            bedrock.get_knowledge_base(knowledgeBaseId=kb)
            bedrock.get_data_source(knowledgeBaseId=kb, dataSourceId=ds)
    except NotFound as exc:
        raise NotFound(
            f"knowledge base {kb} / data source {ds} not found at {connection.describe()} "
            f"({exc.message}); check knowledgeBaseId/dataSourceId in --input or "
            "wecare:knowledgeBase in cdk.json"
        ) from exc
    except ClientError:  # pragma: no cover - aws_errors converts every ClientError
        raise


PREFLIGHTS: dict[str, Preflight] = {"kb-sync": knowledge_base_exists}
