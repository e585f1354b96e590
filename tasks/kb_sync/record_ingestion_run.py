"""Record a kb-sync run in the table, however it ended, and say how it ended.

Record: ``PK=KB#{knowledgeBaseId}``, ``SK=RUN#{startedAt}#{ingestionJobId}``. On success
the handler returns the run with its statistics (the execution's output); otherwise it
returns ``error`` and ``cause`` for the notification and the final ``Fail`` state.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.clients import table
from tasks.common.environment import setting
from tasks.common.errors import cause_message

logger = Logger(service="kb-sync")

FAILED_STATUSES = {"FAILED": "IngestionJobFailed", "STOPPED": "IngestionJobStopped"}


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    state = event["run"]  # the execution input, with ``job`` and ``error`` as they came
    job = state.get("job") or {}
    now = datetime.now(UTC).isoformat()

    run = {
        "knowledgeBaseId": job.get("knowledgeBaseId")
        or state.get("knowledgeBaseId")
        or setting("KNOWLEDGE_BASE_ID"),
        "dataSourceId": job.get("dataSourceId")
        or state.get("dataSourceId")
        or setting("DATA_SOURCE_ID"),
        "ingestionJobId": job.get("ingestionJobId", ""),
        "status": job.get("status", "NOT_STARTED"),
        "statistics": job.get("statistics", {}),
        "failureReasons": job.get("failureReasons", []),
        "startedAt": job.get("startedAt", now),
        "endedAt": job.get("updatedAt", now),
        "joined": job.get("joined", False),
        "trigger": state.get("trigger", "manual"),
        "executionArn": event.get("executionArn", ""),
    }
    run.update(_outcome(job, state.get("error")))
    logger.append_keys(
        knowledgeBaseId=run["knowledgeBaseId"],
        ingestionJobId=run["ingestionJobId"],
        execution=run["executionArn"],
    )

    table().put_item(
        Item={
            "PK": f"KB#{run['knowledgeBaseId']}",
            "SK": f"RUN#{run['startedAt']}#{run['ingestionJobId'] or 'none'}",
            "recordType": "IngestionRun",
            "recordedAt": now,
            **run,
        }
    )
    logger.info("Recorded ingestion run", extra={"outcome": run["outcome"]})
    return run


def _outcome(job: dict[str, Any], error: dict[str, Any] | None) -> dict[str, Any]:
    """``outcome`` (COMPLETE, FAILED, STOPPED, TIMED_OUT, ERROR) and, unless COMPLETE, why."""
    job_id = job.get("ingestionJobId", "")
    if error is None and job.get("status") == "COMPLETE":
        return {"outcome": "COMPLETE"}
    if error is None and job.get("status") in FAILED_STATUSES:
        reasons = "; ".join(job.get("failureReasons") or []) or "Bedrock gave no reason"
        return {
            "outcome": job["status"],
            "error": FAILED_STATUSES[job["status"]],
            "cause": f"ingestion job {job_id} ended {job['status']}: {reasons}",
        }

    error = error or {}
    name = error.get("Error", "States.Runtime")
    message = cause_message(error.get("Cause", ""))
    if name == "IngestionJobStillRunning":
        return {
            "outcome": "TIMED_OUT",
            "error": "IngestionJobTimedOut",
            "cause": f"ingestion job {job_id} did not finish within the workflow's maximum "
            f"wait and is still running in Bedrock; last seen: {message}",
        }
    return {"outcome": "ERROR", "error": name, "cause": message or name}
