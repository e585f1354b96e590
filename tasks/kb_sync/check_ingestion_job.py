"""Read an ingestion job's status; while it runs, raise ``IngestionJobStillRunning``.

The ASL retries that error on a growing backoff (``IntervalSeconds``, ``BackoffRate``,
``MaxDelaySeconds``), so a 30-minute job costs a handful of checks, and the retrier's
``MaxAttempts`` is the maximum total wait.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.kb_sync.errors import IngestionJobStillRunning
from tasks.kb_sync.ingestion_jobs import TERMINAL_STATUSES, DataSource, call, job_summary

logger = Logger(service="kb-sync")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    previous = event["job"]
    source = DataSource.from_request(previous)
    job_id = previous["ingestionJobId"]
    logger.append_keys(ingestionJobId=job_id, **source.ids)

    job = job_summary(call("get_ingestion_job", source, ingestionJobId=job_id)["ingestionJob"])
    job["joined"] = previous.get("joined", False)
    if job["status"] not in TERMINAL_STATUSES:
        scanned = job["statistics"].get("numberOfDocumentsScanned", 0)
        logger.info("Ingestion job still running", extra={"status": job["status"]})
        raise IngestionJobStillRunning(
            f"ingestion job {job_id} is {job['status']} ({scanned} documents scanned so far)"
        )

    logger.info("Ingestion job finished", extra={"status": job["status"]})
    return job
