"""kb-sync on the embedded runtime, one scenario per path (runbook section 3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from boto3.dynamodb.conditions import Key

from workflows.catalog import KB_SYNC
from workflows.local.runtime import LocalRuntime
from workflows.local.scheduler import Scheduler
from workflows.local.standins.knowledge_base import IngestionPlan

OPS = "ops@wecare.digital"


def run_kb_sync(runtime: LocalRuntime, execution_input: dict | None = None) -> dict:
    arn = runtime.start_execution("kb-sync", execution_input or {})
    return runtime.wait_for(arn, timeout=90)


def ingestion_runs(runtime: LocalRuntime) -> list[dict]:
    items = runtime.table().query(KeyConditionExpression=Key("PK").eq("KB#WECAREKB01"))["Items"]
    return sorted(items, key=lambda item: item["SK"])


def failed_attempts(runtime: LocalRuntime, arn: str, error: str) -> int:
    return sum(
        1 for event in runtime.history(arn)
        if event["type"] == "LambdaFunctionFailed"
        and event["lambdaFunctionFailedEventDetails"]["error"] == error
    )


def test_complete_sync_ends_with_the_statistics_and_records_the_run(runtime: LocalRuntime) -> None:
    # GIVEN a 30-minute ingestion job that completes
    runtime.knowledge_base.plan_next_job(IngestionPlan(duration_seconds=1800, documents=120))

    # WHEN kb-sync runs
    result = run_kb_sync(runtime)

    # THEN it succeeds with the job's statistics as output
    assert result["status"] == "SUCCEEDED"
    output = json.loads(result["output"])
    assert output["outcome"] == "COMPLETE"
    assert output["joined"] is False
    assert output["statistics"]["numberOfDocumentsScanned"] == 120
    assert output["statistics"]["numberOfDocumentsFailed"] == 0
    # AND the run is recorded with its job, statistics, start and end
    [record] = ingestion_runs(runtime)
    assert record["ingestionJobId"] == output["ingestionJobId"]
    assert record["status"] == "COMPLETE"
    assert record["statistics"]["numberOfNewDocumentsIndexed"] == 90
    started = datetime.fromisoformat(record["startedAt"])
    ended = datetime.fromisoformat(record["endedAt"])
    assert (ended - started).total_seconds() == pytest.approx(1800, abs=1)
    assert record["executionArn"] == result["executionArn"]
    # AND the job was polled a handful of times on the backoff, not every 30 seconds
    polls = failed_attempts(runtime, result["executionArn"], "IngestionJobStillRunning")
    assert 3 <= polls <= 8
    # AND nobody was e-mailed
    assert runtime.outbox.messages() == []


def test_a_running_job_is_joined_not_duplicated(runtime: LocalRuntime) -> None:
    # GIVEN a job someone started from the console is running
    console_job = runtime.knowledge_base.start_job_directly(IngestionPlan(duration_seconds=3600))

    # WHEN kb-sync runs
    result = run_kb_sync(runtime)

    # THEN it waits for that job instead of starting another
    output = json.loads(result["output"])
    assert result["status"] == "SUCCEEDED"
    assert output["joined"] is True
    assert output["ingestionJobId"] == console_job.job_id
    assert list(runtime.knowledge_base.jobs) == [console_job.job_id]


def test_two_syncs_started_together_share_one_job(runtime: LocalRuntime) -> None:
    # GIVEN the 02:00 schedule and an operator start kb-sync at the same moment
    first = runtime.start_execution("kb-sync", {"trigger": "schedule"})
    second = runtime.start_execution("kb-sync", {"trigger": "manual"})

    # WHEN both finish
    outputs = [json.loads(runtime.wait_for(arn, 60)["output"]) for arn in (first, second)]

    # THEN one ingestion job served both
    assert len(runtime.knowledge_base.jobs) == 1
    assert {o["ingestionJobId"] for o in outputs} == set(runtime.knowledge_base.jobs)
    assert sorted(o["joined"] for o in outputs) == [False, True]


def test_failed_job_is_recorded_mailed_and_fails_the_execution(runtime: LocalRuntime) -> None:
    # GIVEN a job that Bedrock fails
    reason = "Crawler could not fetch https://wecare.digital/robots.txt"
    runtime.knowledge_base.plan_next_job(
        IngestionPlan(duration_seconds=900, outcome="FAILED", failure_reasons=(reason,))
    )

    # WHEN kb-sync runs
    result = run_kb_sync(runtime)

    # THEN the execution fails with a clear error naming the job
    assert result["status"] == "FAILED"
    assert result["error"] == "IngestionJobFailed"
    [job_id] = runtime.knowledge_base.jobs
    assert job_id in result["cause"] and reason in result["cause"]
    # AND the run is recorded as FAILED with the reason
    [record] = ingestion_runs(runtime)
    assert record["outcome"] == "FAILED"
    assert record["failureReasons"] == [reason]
    # AND operations got an e-mail with the reason and what to do
    [email] = runtime.outbox.messages()
    assert email.to == (OPS,)
    assert email.subject == f"[WECARE] Knowledge-base sync failed: IngestionJobFailed ({job_id})"
    assert reason in email.body
    assert "robots.txt" in email.body and "wecare-flows start kb-sync" in email.body


def test_stopped_job_fails_the_execution_as_stopped(runtime: LocalRuntime) -> None:
    # GIVEN a job that someone stops half way
    runtime.knowledge_base.plan_next_job(IngestionPlan(duration_seconds=600, outcome="STOPPED"))

    # WHEN kb-sync runs
    result = run_kb_sync(runtime)

    # THEN it ends FAILED as IngestionJobStopped, recorded and mailed
    assert result["status"] == "FAILED"
    assert result["error"] == "IngestionJobStopped"
    assert ingestion_runs(runtime)[0]["outcome"] == "STOPPED"
    [email] = runtime.outbox.messages()
    assert "IngestionJobStopped" in email.subject


def test_stop_ingestion_job_moves_through_stopping_to_stopped(runtime: LocalRuntime) -> None:
    # GIVEN a long job that kb-sync is waiting for
    runtime.knowledge_base.plan_next_job(IngestionPlan(duration_seconds=3600))
    arn = runtime.start_execution("kb-sync", {})
    bedrock = runtime.client("bedrock-agent")
    ids = {"knowledgeBaseId": "WECAREKB01", "dataSourceId": "WECAREWEB1"}
    job_id = _first_job_id(runtime)

    # WHEN an operator stops it with the API
    stopped = bedrock.stop_ingestion_job(**ids, ingestionJobId=job_id)["ingestionJob"]

    # THEN Bedrock reports STOPPING, then STOPPED, and kb-sync fails as stopped
    assert stopped["status"] == "STOPPING"
    result = runtime.wait_for(arn, 60)
    assert result["error"] == "IngestionJobStopped"
    job = bedrock.get_ingestion_job(**ids, ingestionJobId=job_id)["ingestionJob"]
    assert job["status"] == "STOPPED"


def test_throttled_start_is_retried_and_succeeds(runtime: LocalRuntime) -> None:
    # GIVEN Bedrock throttles the first two StartIngestionJob calls
    runtime.knowledge_base.plan_next_job(IngestionPlan(duration_seconds=300))
    runtime.knowledge_base.throttle("StartIngestionJob", 2)

    # WHEN kb-sync runs
    result = run_kb_sync(runtime)

    # THEN the two throttled attempts were retried and the sync completed
    assert result["status"] == "SUCCEEDED"
    assert failed_attempts(runtime, result["executionArn"], "ServiceThrottled") == 2
    assert len(runtime.knowledge_base.jobs) == 1


def test_job_still_running_after_the_maximum_wait_times_out(runtime: LocalRuntime) -> None:
    # GIVEN a job that would run for ten days
    runtime.knowledge_base.plan_next_job(IngestionPlan(duration_seconds=10 * 86400))

    # WHEN kb-sync runs (its ~3 h of waiting pass in ~11 s at this time scale)
    result = run_kb_sync(runtime)

    # THEN it gives up after its maximum wait with an error naming the job
    [job_id] = runtime.knowledge_base.jobs
    assert result["status"] == "FAILED"
    assert result["error"] == "IngestionJobTimedOut"
    assert job_id in result["cause"]
    assert ingestion_runs(runtime)[0]["outcome"] == "TIMED_OUT"
    [email] = runtime.outbox.messages()
    assert "get-ingestion-job" in email.body and job_id in email.body
    # AND it checked the job 17 times in all: the first check and 16 retries
    checks = [
        e for e in runtime.history(result["executionArn"])
        if e["type"] == "LambdaFunctionScheduled"
        and "check-ingestion-job" in e["lambdaFunctionScheduledEventDetails"]["resource"]
    ]
    assert len(checks) == 17


def test_unknown_knowledge_base_fails_at_once_without_retrying(runtime: LocalRuntime) -> None:
    # WHEN kb-sync is asked to sync a knowledge base that does not exist
    result = run_kb_sync(runtime, {"knowledgeBaseId": "NOPE000000"})

    # THEN it fails as KnowledgeBaseNotFound after one attempt, and operations are told
    assert result["status"] == "FAILED"
    assert result["error"] == "KnowledgeBaseNotFound"
    assert "NOPE000000" in result["cause"]
    assert failed_attempts(runtime, result["executionArn"], "KnowledgeBaseNotFound") == 1
    [email] = runtime.outbox.messages()
    assert "KnowledgeBaseNotFound" in email.subject
    assert ingestion_runs(runtime) == []  # recorded under the unknown id, not ours


def test_malformed_knowledge_base_id_is_invalid_input(runtime: LocalRuntime) -> None:
    result = run_kb_sync(runtime, {"knowledgeBaseId": "base-wecare-wa-kb"})

    assert result["status"] == "FAILED"
    assert result["error"] == "InvalidInput"
    assert "knowledgeBaseId 'base-wecare-wa-kb' is not a Bedrock id" in result["cause"]


def test_the_daily_schedule_starts_a_sync_once_per_firing(runtime: LocalRuntime) -> None:
    # GIVEN the catalog's 02:00 UTC schedule
    [schedule] = KB_SYNC.schedules
    assert schedule.expression == "cron(0 2 * * ? *)"
    scheduler = Scheduler(runtime.start_execution)
    at = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)

    # WHEN it fires, and fires again for the same minute
    first = scheduler.fire(KB_SYNC, schedule, at)
    second = scheduler.fire(KB_SYNC, schedule, at)

    # THEN one execution runs, named after the firing, with the schedule's input
    assert first == second
    assert first.endswith(":kb-sync-daily-20261204T0200Z")
    described = runtime.wait_for(first, 60)
    assert json.loads(described["input"]) == {"trigger": "schedule"}
    assert ingestion_runs(runtime)[0]["trigger"] == "schedule"


def _first_job_id(runtime: LocalRuntime) -> str:
    import time

    deadline = time.monotonic() + 10
    while not runtime.knowledge_base.jobs:
        assert time.monotonic() < deadline, "kb-sync started no job"
        time.sleep(0.01)
    return next(iter(runtime.knowledge_base.jobs))
