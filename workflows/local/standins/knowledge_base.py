"""A stand-in for Bedrock knowledge-base ingestion jobs (``bedrock-agent``).

It serves GetKnowledgeBase, ListKnowledgeBases, GetDataSource, StartIngestionJob,
GetIngestionJob, ListIngestionJobs and StopIngestionJob with the real shapes, the real
status life cycle (STARTING → IN_PROGRESS → COMPLETE or FAILED; STOPPING → STOPPED),
the real statistics, and the real errors: ``ConflictException`` while a job runs on
the knowledge base, ``ResourceNotFoundException``, ``ValidationException`` and, when a
test asks for it, ``ThrottlingException``. How long a job takes and how it ends are
set per job with :class:`IngestionPlan`, in simulated seconds on the runtime's clock.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from workflows.local.clock import CLOCK
from workflows.local.standins import ApiError, ApiRequest, ApiResponse, StandIn
from workflows.settings import KnowledgeBase

BEDROCK_ID = re.compile(r"^[0-9a-zA-Z]{10}$")
RUNNING = ("STARTING", "IN_PROGRESS", "STOPPING")
STOPPING_SECONDS = 20.0


@dataclass
class IngestionPlan:
    """How the next ingestion job behaves, in simulated seconds."""

    duration_seconds: float = 1800.0
    outcome: str = "COMPLETE"
    documents: int = 120
    failure_reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.outcome not in ("COMPLETE", "FAILED", "STOPPED"):
            raise ValueError(f"outcome must be COMPLETE, FAILED or STOPPED, not {self.outcome}")
        if self.outcome == "FAILED" and not self.failure_reasons:
            self.failure_reasons = ("Crawler could not fetch https://wecare.digital/robots.txt",)


@dataclass
class IngestionJob:
    knowledge_base_id: str
    data_source_id: str
    plan: IngestionPlan
    description: str = ""
    client_token: str = ""
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex[:10].upper())
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started_real: float = field(default_factory=time.monotonic)
    stop_requested_at: float | None = None

    def elapsed(self) -> float:
        """Simulated seconds since the job started."""
        return CLOCK.simulated_seconds(time.monotonic() - self.started_real)

    def status(self) -> str:
        elapsed = self.elapsed()
        if self.stop_requested_at is not None:
            return "STOPPED" if elapsed >= self.stop_requested_at + STOPPING_SECONDS else "STOPPING"
        if self.plan.outcome == "STOPPED" and elapsed >= self.plan.duration_seconds:
            return "STOPPED"
        if elapsed >= self.plan.duration_seconds:
            return self.plan.outcome
        return (
            "STARTING" if elapsed < min(30.0, self.plan.duration_seconds * 0.05) else "IN_PROGRESS"
        )

    def progress(self) -> float:
        end = self.plan.duration_seconds
        if self.stop_requested_at is not None:
            end = min(end, self.stop_requested_at)
        return min(1.0, self.elapsed() / end) if end else 1.0

    def updated_at(self) -> datetime:
        elapsed = self.elapsed()
        ends = [self.plan.duration_seconds]
        if self.stop_requested_at is not None:
            ends.append(self.stop_requested_at + STOPPING_SECONDS)
        return self.started_at + timedelta(seconds=min([elapsed, *ends]))

    def statistics(self) -> dict[str, int]:
        scanned = int(self.plan.documents * self.progress())
        failed = scanned // 10 if self.plan.outcome == "FAILED" else 0
        indexed = scanned - failed
        return {
            "numberOfDocumentsScanned": scanned,
            "numberOfMetadataDocumentsScanned": 0,
            "numberOfNewDocumentsIndexed": indexed * 3 // 4,
            "numberOfModifiedDocumentsIndexed": indexed - indexed * 3 // 4,
            "numberOfMetadataDocumentsModified": 0,
            "numberOfDocumentsDeleted": 0,
            "numberOfDocumentsFailed": failed,
        }

    def summary(self) -> dict[str, Any]:
        body = {
            "knowledgeBaseId": self.knowledge_base_id,
            "dataSourceId": self.data_source_id,
            "ingestionJobId": self.job_id,
            "status": self.status(),
            "statistics": self.statistics(),
            "startedAt": _iso(self.started_at),
            "updatedAt": _iso(self.updated_at()),
        }
        if self.description:
            body["description"] = self.description
        return body

    def describe(self) -> dict[str, Any]:
        body = self.summary()
        if body["status"] == "FAILED":
            body["failureReasons"] = list(self.plan.failure_reasons)
        return body


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class KnowledgeBaseStandIn(StandIn):
    signing_name = "bedrock"
    routes = (
        ("POST", r"/knowledgebases/?", "list_knowledge_bases"),
        ("GET", r"/knowledgebases/(?P<kb>[^/]+)/?", "get_knowledge_base"),
        ("GET", r"/knowledgebases/(?P<kb>[^/]+)/datasources/(?P<ds>[^/]+)/?", "get_data_source"),
        (
            "PUT",
            r"/knowledgebases/(?P<kb>[^/]+)/datasources/(?P<ds>[^/]+)/ingestionjobs/?",
            "start_ingestion_job",
        ),
        (
            "POST",
            r"/knowledgebases/(?P<kb>[^/]+)/datasources/(?P<ds>[^/]+)/ingestionjobs/?",
            "list_ingestion_jobs",
        ),
        (
            "GET",
            r"/knowledgebases/(?P<kb>[^/]+)/datasources/(?P<ds>[^/]+)/ingestionjobs/(?P<job>[^/]+)",
            "get_ingestion_job",
        ),
        (
            "POST",
            r"/knowledgebases/(?P<kb>[^/]+)/datasources/(?P<ds>[^/]+)/ingestionjobs/(?P<job>[^/]+)/stop",
            "stop_ingestion_job",
        ),
    )

    def __init__(self, knowledge_base: KnowledgeBase, region: str, account_id: str) -> None:
        self.knowledge_base = knowledge_base
        self.region, self.account_id = region, account_id
        self.created_at = datetime.now(UTC)
        self.jobs: dict[str, IngestionJob] = {}
        self.default_plan = IngestionPlan()
        self.next_plans: list[IngestionPlan] = []
        self.throttle_next_calls: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- what tests and the runtime set ------------------------------------------------

    def plan_next_job(self, plan: IngestionPlan) -> None:
        """The next job started follows this plan (queued; later jobs use the default)."""
        self.next_plans.append(plan)

    def throttle(self, operation: str, times: int) -> None:
        """Answer the next ``times`` calls of ``operation`` with ``ThrottlingException``."""
        self.throttle_next_calls[operation] = times

    def start_job_directly(self, plan: IngestionPlan | None = None) -> IngestionJob:
        """A job started outside any workflow (as by the console), for the join path."""
        kb = self.knowledge_base
        with self._lock:
            job = IngestionJob(
                kb.knowledge_base_id,
                kb.data_source_id,
                plan or self.default_plan,
                description="started from the console",
            )
            self.jobs[job.job_id] = job
        return job

    # -- the API -----------------------------------------------------------------------

    def list_knowledge_bases(self, request: ApiRequest) -> ApiResponse:
        self._maybe_throttle("ListKnowledgeBases")
        kb = self.knowledge_base
        return ApiResponse(
            200,
            {
                "knowledgeBaseSummaries": [
                    {
                        "knowledgeBaseId": kb.knowledge_base_id,
                        "name": kb.name,
                        "status": "ACTIVE",
                        "updatedAt": _iso(self.created_at),
                    }
                ]
            },
        )

    def get_knowledge_base(self, request: ApiRequest, kb: str) -> ApiResponse:
        self._maybe_throttle("GetKnowledgeBase")
        self._knowledge_base(kb)
        arn = f"arn:aws:bedrock:{self.region}:{self.account_id}:knowledge-base/{kb}"
        return ApiResponse(
            200,
            {
                "knowledgeBase": {
                    "knowledgeBaseId": kb,
                    "name": self.knowledge_base.name,
                    "knowledgeBaseArn": arn,
                    "roleArn": f"arn:aws:iam::{self.account_id}:role/wecare-knowledge-base",
                    "knowledgeBaseConfiguration": {"type": "VECTOR"},
                    "status": "ACTIVE",
                    "createdAt": _iso(self.created_at),
                    "updatedAt": _iso(self.created_at),
                }
            },
        )

    def get_data_source(self, request: ApiRequest, kb: str, ds: str) -> ApiResponse:
        self._maybe_throttle("GetDataSource")
        self._data_source(kb, ds)
        source = self.knowledge_base
        return ApiResponse(
            200,
            {
                "dataSource": {
                    "knowledgeBaseId": kb,
                    "dataSourceId": ds,
                    "name": "wecare-digital-web",
                    "status": "AVAILABLE",
                    "dataSourceConfiguration": {
                        "type": "WEB",
                        "webConfiguration": {
                            "sourceConfiguration": {
                                "urlConfiguration": {"seedUrls": [{"url": source.seed_url}]}
                            },
                            "crawlerConfiguration": {
                                "crawlerLimits": {"rateLimit": source.rate_limit},
                                "scope": source.scope,
                            },
                        },
                    },
                    "createdAt": _iso(self.created_at),
                    "updatedAt": _iso(self.created_at),
                }
            },
        )

    def start_ingestion_job(self, request: ApiRequest, kb: str, ds: str) -> ApiResponse:
        self._maybe_throttle("StartIngestionJob")
        self._data_source(kb, ds)
        body = request.json()
        token = body.get("clientToken", "")
        with self._lock:
            for job in self.jobs.values():
                if token and job.client_token == token:
                    return ApiResponse(202, {"ingestionJob": job.describe()})
            if any(j.knowledge_base_id == kb and j.status() in RUNNING for j in self.jobs.values()):
                raise ApiError(
                    409,
                    "ConflictException",
                    (
                        "Unable to start ingestion job: the maximum number of concurrent ingestion "
                        f"jobs per knowledge base ({kb}) is 1"
                    ),
                )
            plan = self.next_plans.pop(0) if self.next_plans else self.default_plan
            job = IngestionJob(
                kb, ds, plan, description=body.get("description", ""), client_token=token
            )
            self.jobs[job.job_id] = job
        return ApiResponse(202, {"ingestionJob": job.describe()})

    def get_ingestion_job(self, request: ApiRequest, kb: str, ds: str, job: str) -> ApiResponse:
        self._maybe_throttle("GetIngestionJob")
        return ApiResponse(200, {"ingestionJob": self._job(kb, ds, job).describe()})

    def list_ingestion_jobs(self, request: ApiRequest, kb: str, ds: str) -> ApiResponse:
        self._maybe_throttle("ListIngestionJobs")
        self._data_source(kb, ds)
        body = request.json()
        jobs = [
            j for j in self.jobs.values() if j.knowledge_base_id == kb and j.data_source_id == ds
        ]
        for rule in body.get("filters", []):
            if rule.get("attribute") != "STATUS" or rule.get("operator") != "EQ":
                raise ApiError(
                    400,
                    "ValidationException",
                    "filters support only attribute STATUS with operator EQ",
                )
            jobs = [j for j in jobs if j.status() in rule.get("values", [])]
        order = body.get("sortBy", {"attribute": "STARTED_AT", "order": "DESCENDING"})
        jobs.sort(key=lambda j: j.started_real, reverse=order.get("order") == "DESCENDING")
        start = int(body.get("nextToken") or 0)
        size = int(body.get("maxResults") or 1000)
        page = jobs[start : start + size]
        response: dict[str, Any] = {"ingestionJobSummaries": [j.summary() for j in page]}
        if start + size < len(jobs):
            response["nextToken"] = str(start + size)
        return ApiResponse(200, response)

    def stop_ingestion_job(self, request: ApiRequest, kb: str, ds: str, job: str) -> ApiResponse:
        self._maybe_throttle("StopIngestionJob")
        found = self._job(kb, ds, job)
        with self._lock:
            if found.status() not in ("STARTING", "IN_PROGRESS"):
                raise ApiError(
                    409,
                    "ConflictException",
                    f"ingestion job {job} is {found.status()} and cannot be stopped",
                )
            found.stop_requested_at = found.elapsed()
        return ApiResponse(202, {"ingestionJob": found.describe()})

    # -- lookups -------------------------------------------------------------------------

    def _maybe_throttle(self, operation: str) -> None:
        with self._lock:
            remaining = self.throttle_next_calls.get(operation, 0)
            if remaining:
                self.throttle_next_calls[operation] = remaining - 1
                raise ApiError(429, "ThrottlingException", "Rate exceeded")

    def _knowledge_base(self, kb: str) -> None:
        if not BEDROCK_ID.match(kb):
            raise ApiError(
                400,
                "ValidationException",
                f"1 validation error detected: Value '{kb}' at 'knowledgeBaseId' "
                "failed to satisfy constraint: Member must satisfy regular "
                "expression pattern: [0-9a-zA-Z]{10}",
            )
        if kb != self.knowledge_base.knowledge_base_id:
            raise ApiError(
                404, "ResourceNotFoundException", f"Knowledge base with id {kb} does not exist"
            )

    def _data_source(self, kb: str, ds: str) -> None:
        self._knowledge_base(kb)
        if ds != self.knowledge_base.data_source_id:
            raise ApiError(
                404,
                "ResourceNotFoundException",
                f"Data source with id {ds} does not exist in knowledge base {kb}",
            )

    def _job(self, kb: str, ds: str, job: str) -> IngestionJob:
        self._data_source(kb, ds)
        found = self.jobs.get(job)
        if found is None or found.knowledge_base_id != kb:
            raise ApiError(404, "ResourceNotFoundException", f"Ingestion job {job} does not exist")
        return found
