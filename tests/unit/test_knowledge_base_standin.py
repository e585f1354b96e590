"""The Bedrock ingestion-job stand-in answers like the real API, errors included."""

from __future__ import annotations

import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from workflows.local.runtime import LocalRuntime
from workflows.local.standins.knowledge_base import IngestionPlan

IDS = {"knowledgeBaseId": "WECAREKB01", "dataSourceId": "WECAREWEB1"}


def wait_for_status(bedrock, job_id: str, wanted: str, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = bedrock.get_ingestion_job(**IDS, ingestionJobId=job_id)["ingestionJob"]
        if job["status"] == wanted:
            return job
        assert time.monotonic() < deadline, f"job stayed {job['status']}, never {wanted}"
        time.sleep(0.01)


def test_a_job_starts_runs_and_completes_with_statistics(runtime: LocalRuntime) -> None:
    runtime.knowledge_base.plan_next_job(IngestionPlan(duration_seconds=600, documents=40))
    bedrock = runtime.client("bedrock-agent")

    started = bedrock.start_ingestion_job(**IDS)["ingestionJob"]
    assert started["status"] == "STARTING"

    running = wait_for_status(bedrock, started["ingestionJobId"], "IN_PROGRESS")
    assert running["statistics"]["numberOfDocumentsScanned"] < 40
    done = wait_for_status(bedrock, started["ingestionJobId"], "COMPLETE")
    assert done["statistics"]["numberOfDocumentsScanned"] == 40
    assert (done["updatedAt"] - done["startedAt"]).total_seconds() == pytest.approx(600, abs=1)


def test_a_second_start_while_one_runs_is_a_conflict(runtime: LocalRuntime) -> None:
    bedrock = runtime.client("bedrock-agent")
    bedrock.start_ingestion_job(**IDS)

    with pytest.raises(ClientError) as refused:
        bedrock.start_ingestion_job(**IDS)

    assert refused.value.response["Error"]["Code"] == "ConflictException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_the_same_client_token_returns_the_same_job(runtime: LocalRuntime) -> None:
    bedrock = runtime.client("bedrock-agent")
    token = "x" * 40
    first = bedrock.start_ingestion_job(**IDS, clientToken=token)["ingestionJob"]
    again = bedrock.start_ingestion_job(**IDS, clientToken=token)["ingestionJob"]
    assert first["ingestionJobId"] == again["ingestionJobId"]


def test_a_failed_job_reports_its_failure_reasons(runtime: LocalRuntime) -> None:
    runtime.knowledge_base.plan_next_job(
        IngestionPlan(duration_seconds=60, outcome="FAILED", failure_reasons=("robots.txt",))
    )
    bedrock = runtime.client("bedrock-agent")
    job_id = bedrock.start_ingestion_job(**IDS)["ingestionJob"]["ingestionJobId"]

    failed = wait_for_status(bedrock, job_id, "FAILED")

    assert failed["failureReasons"] == ["robots.txt"]
    assert failed["statistics"]["numberOfDocumentsFailed"] > 0


def test_list_filters_by_status(runtime: LocalRuntime) -> None:
    bedrock = runtime.client("bedrock-agent")
    job_id = bedrock.start_ingestion_job(**IDS)["ingestionJob"]["ingestionJobId"]

    running = bedrock.list_ingestion_jobs(
        **IDS, filters=[{"attribute": "STATUS", "operator": "EQ", "values": ["STARTING"]}]
    )["ingestionJobSummaries"]
    complete = bedrock.list_ingestion_jobs(
        **IDS, filters=[{"attribute": "STATUS", "operator": "EQ", "values": ["COMPLETE"]}]
    )["ingestionJobSummaries"]

    assert [job["ingestionJobId"] for job in running] == [job_id]
    assert complete == []


@pytest.mark.parametrize(
    ("ids", "code"),
    [
        ({"knowledgeBaseId": "NOPE000000", "dataSourceId": "WECAREWEB1"},
         "ResourceNotFoundException"),
        ({"knowledgeBaseId": "WECAREKB01", "dataSourceId": "NOPE000000"},
         "ResourceNotFoundException"),
        ({"knowledgeBaseId": "base-wecare-wa-kb", "dataSourceId": "WECAREWEB1"},
         "ValidationException"),
    ],
)
def test_unknown_or_malformed_ids_get_the_real_errors(runtime, ids, code) -> None:
    with pytest.raises(ClientError) as refused:
        runtime.client("bedrock-agent").start_ingestion_job(**ids)
    assert refused.value.response["Error"]["Code"] == code


def test_the_data_source_is_the_runbooks_web_crawler(runtime: LocalRuntime) -> None:
    source = runtime.client("bedrock-agent").get_data_source(**IDS)["dataSource"]
    web = source["dataSourceConfiguration"]["webConfiguration"]
    assert web["sourceConfiguration"]["urlConfiguration"]["seedUrls"] == [
        {"url": "https://wecare.digital"}
    ]
    assert web["crawlerConfiguration"] == {"crawlerLimits": {"rateLimit": 10},
                                           "scope": "HOST_ONLY"}


def test_throttling_answers_429_the_asked_number_of_times(runtime: LocalRuntime) -> None:
    runtime.knowledge_base.throttle("GetKnowledgeBase", 1)
    bedrock = boto3.client("bedrock-agent", region_name="ap-south-1",
                           config=Config(retries={"total_max_attempts": 1}))

    with pytest.raises(ClientError) as throttled:
        bedrock.get_knowledge_base(knowledgeBaseId="WECAREKB01")

    assert throttled.value.response["Error"]["Code"] == "ThrottlingException"
    assert throttled.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    again = bedrock.get_knowledge_base(knowledgeBaseId="WECAREKB01")
    assert again["knowledgeBase"]["status"] == "ACTIVE"
