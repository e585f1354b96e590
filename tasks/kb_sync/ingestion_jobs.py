"""The Bedrock ``bedrock-agent`` ingestion-job calls the kb-sync tasks make."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from tasks.common.clients import client
from tasks.common.environment import setting
from tasks.common.errors import InvalidInput, aws_call, error_code
from tasks.kb_sync.errors import KnowledgeBaseNotFound

BEDROCK_ID = re.compile(r"^[0-9a-zA-Z]{10}$")
RUNNING_STATUSES = ("STARTING", "IN_PROGRESS")
TERMINAL_STATUSES = ("COMPLETE", "FAILED", "STOPPED")


@dataclass(frozen=True)
class DataSource:
    knowledge_base_id: str
    data_source_id: str

    @classmethod
    def from_request(cls, request: dict[str, Any]) -> DataSource:
        """The data source named in the execution input, else the deployment's default."""
        source = cls(
            knowledge_base_id=request.get("knowledgeBaseId") or setting("KNOWLEDGE_BASE_ID"),
            data_source_id=request.get("dataSourceId") or setting("DATA_SOURCE_ID"),
        )
        for field, value in (
            ("knowledgeBaseId", source.knowledge_base_id),
            ("dataSourceId", source.data_source_id),
        ):
            if not isinstance(value, str) or not BEDROCK_ID.match(value):
                raise InvalidInput(f"{field} {value!r} is not a Bedrock id (10 letters or digits)")
        return source

    @property
    def ids(self) -> dict[str, str]:
        return {"knowledgeBaseId": self.knowledge_base_id, "dataSourceId": self.data_source_id}


def job_summary(job: dict[str, Any]) -> dict[str, Any]:
    """The JSON-safe fields of an ``IngestionJob`` the workflow carries from step to step."""
    return {
        "knowledgeBaseId": job["knowledgeBaseId"],
        "dataSourceId": job["dataSourceId"],
        "ingestionJobId": job["ingestionJobId"],
        "status": job["status"],
        "statistics": job.get("statistics", {}),
        "failureReasons": job.get("failureReasons", []),
        "startedAt": job["startedAt"].isoformat(),
        "updatedAt": job["updatedAt"].isoformat(),
    }


def call(operation: str, source: DataSource, **params: Any) -> dict[str, Any]:
    """Call one ``bedrock-agent`` operation; map its errors to the workflow's error names."""
    try:
        with aws_call(f"bedrock-agent {operation}"):
            return getattr(client("bedrock-agent"), operation)(**source.ids, **params)
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            raise KnowledgeBaseNotFound(
                f"knowledge base {source.knowledge_base_id} / data source "
                f"{source.data_source_id} not found: {exc.response['Error'].get('Message', '')}"
            ) from exc
        raise


def running_job(source: DataSource) -> dict[str, Any] | None:
    """The job already running on this data source, if any (Bedrock allows one)."""
    response = call(
        "list_ingestion_jobs",
        source,
        filters=[{"attribute": "STATUS", "operator": "EQ", "values": list(RUNNING_STATUSES)}],
        sortBy={"attribute": "STARTED_AT", "order": "DESCENDING"},
        maxResults=10,
    )
    summaries = response.get("ingestionJobSummaries", [])
    return summaries[0] if summaries else None
