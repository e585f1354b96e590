"""Start an ingestion job on the knowledge base's data source, or join the running one.

Bedrock runs one job per knowledge base at a time; a second start gets
``ConflictException``. The daily schedule and a manual sync can meet, so the
workflow joins the job that is already running instead of failing.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from tasks.common.errors import error_code
from tasks.kb_sync.errors import IngestionJobConflict
from tasks.kb_sync.ingestion_jobs import DataSource, call, job_summary, running_job

logger = Logger(service="kb-sync")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = event.get("request") or {}
    source = DataSource.from_request(request)
    trigger = request.get("trigger", "manual")
    logger.append_keys(execution=event.get("executionArn"), **source.ids)

    joined = _join_running_job(source)
    if joined:
        return joined

    try:
        response = call(
            "start_ingestion_job",
            source,
            description=f"wecare-flows kb-sync ({trigger})",
        )
    except ClientError as exc:
        if error_code(exc) != "ConflictException":
            raise
        # Another start won the race between our look and our start: join it.
        joined = _join_running_job(source)
        if joined:
            return joined
        raise IngestionJobConflict(
            f"knowledge base {source.knowledge_base_id} refused a new ingestion job and has "
            "no STARTING or IN_PROGRESS job to join (one may be STOPPING)"
        ) from exc

    job = job_summary(response["ingestionJob"])
    logger.info("Started ingestion job", extra={"ingestionJobId": job["ingestionJobId"]})
    return {**job, "joined": False}


def _join_running_job(source: DataSource) -> dict[str, Any] | None:
    running = running_job(source)
    if running is None:
        return None
    logger.info(
        "Joined the ingestion job already running",
        extra={"ingestionJobId": running["ingestionJobId"], "status": running["status"]},
    )
    return {**job_summary(running), "joined": True}
