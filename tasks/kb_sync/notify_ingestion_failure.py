"""E-mail the operations address why a knowledge-base sync failed, and what to do."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.environment import setting
from tasks.common.mail import send_email

logger = Logger(service="kb-sync")

NEXT_STEPS = {
    "IngestionJobFailed": [
        "Check that https://wecare.digital answers and serves robots.txt "
        "(the crawler refuses a site without one).",
        "Check the OpenSearch Serverless collection of the knowledge base.",
        "Start a new sync: wecare-flows start kb-sync",
    ],
    "IngestionJobStopped": [
        "Someone stopped the job (StopIngestionJob). Start a new sync when ready: "
        "wecare-flows start kb-sync",
    ],
    "IngestionJobTimedOut": [
        "The job is still running in Bedrock. Follow it with: aws bedrock-agent "
        "get-ingestion-job --knowledge-base-id {knowledgeBaseId} --data-source-id "
        "{dataSourceId} --ingestion-job-id {ingestionJobId}",
        "The next sync joins it instead of starting a second one.",
    ],
    "KnowledgeBaseNotFound": [
        "Check the knowledgeBaseId and dataSourceId in the input or in cdk.json "
        "(context wecare:knowledgeBase).",
    ],
}
DEFAULT_STEPS = [
    "Read the execution's history: wecare-flows history {executionArn}",
    "Start a new sync when the cause is fixed: wecare-flows start kb-sync",
]


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = event["run"]
    logger.append_keys(
        knowledgeBaseId=run["knowledgeBaseId"],
        ingestionJobId=run["ingestionJobId"],
        execution=run["executionArn"],
    )
    subject = (
        f"[WECARE] Knowledge-base sync failed: {run['error']} "
        f"({run['ingestionJobId'] or 'no job started'})"
    )
    message_id = send_email([setting("OPS_NOTIFY_TO")], subject, _body(run))
    logger.info("Sent the failure notification", extra={"error": run["error"]})
    return {"messageId": message_id, "subject": subject}


def _body(run: dict[str, Any]) -> str:
    statistics = run.get("statistics") or {}
    lines = [
        "A knowledge-base sync did not complete.",
        "",
        f"Error:           {run['error']}",
        f"Cause:           {run['cause']}",
        f"Knowledge base:  {run['knowledgeBaseId']}",
        f"Data source:     {run['dataSourceId']}",
        f"Ingestion job:   {run['ingestionJobId'] or '(none started)'}",
        f"Job status:      {run['status']}",
        f"Started:         {run['startedAt']}",
        f"Ended:           {run['endedAt']}",
        f"Execution:       {run['executionArn']}",
    ]
    if run.get("failureReasons"):
        lines += ["", "Failure reasons from Bedrock:"]
        lines += [f"  - {reason}" for reason in run["failureReasons"]]
    if statistics:
        lines += ["", "Statistics:"]
        lines += [f"  {name}: {value}" for name, value in sorted(statistics.items())]
    lines += ["", "What to do:"]
    for step in NEXT_STEPS.get(run["error"], []) + DEFAULT_STEPS:
        lines.append(f"  - {step.format(**run)}")
    return "\n".join(lines) + "\n"
