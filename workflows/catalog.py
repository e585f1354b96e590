"""The catalog of workflows: the first of three hops to any workflow.

Each entry names a state machine, says what starts it, and lists the task Lambdas
its ASL file (``asl/<name>.asl.json``) calls through ``${Placeholder}`` ARNs. The
embedded runtime, the CDK app and the CLI all read this one list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from workflows.settings import PROJECT_ROOT

ASL_DIR = PROJECT_ROOT / "asl"
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")

# Placeholders every ASL file may use besides its task functions' ARNs.
RESOURCE_PLACEHOLDERS = ("TableName", "MediaBucketName")


@dataclass(frozen=True)
class TaskFunction:
    """One task Lambda: a single small handler under ``tasks/``."""

    placeholder: str
    handler: str
    description: str
    timeout_seconds: int = 30
    memory_mb: int = 256

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]

    @property
    def function_name(self) -> str:
        """``tasks.kb_sync.start_ingestion_job.handler`` → ``wecare-kb-sync-start-ingestion-job``"""
        _, workflow, step = self.module.split(".")
        return f"wecare-{workflow}-{step}".replace("_", "-")


@dataclass(frozen=True)
class ServiceFunction:
    """A Lambda that is not a workflow step: an HTTPS endpoint, an SNS subscriber, or an
    entry point invoked directly (the runbook's action Lambda)."""

    name: str
    handler: str
    description: str
    trigger: Literal["http", "sns", "direct"]
    timeout_seconds: int = 30
    memory_mb: int = 256

    @property
    def function_name(self) -> str:
        return self.name


@dataclass(frozen=True)
class Schedule:
    """A recurring start of a workflow (EventBridge Scheduler on AWS)."""

    name: str
    expression: str
    description: str
    input: dict[str, Any] = field(default_factory=dict)

    @property
    def cron_fields(self) -> tuple[str, ...]:
        """The six fields of ``cron(minutes hours day-of-month month day-of-week year)``."""
        match = re.fullmatch(r"cron\((.+)\)", self.expression)
        if not match:
            raise ValueError(f"schedule {self.name}: only cron() expressions are supported")
        fields = tuple(match.group(1).split())
        if len(fields) != 6:
            raise ValueError(f"schedule {self.name}: cron() needs six fields")
        return fields

    def execution_name(self, fire_time: datetime) -> str:
        """One name per firing, so a schedule fired twice for the same minute starts once."""
        return f"{self.name}-{fire_time.astimezone(UTC):%Y%m%dT%H%MZ}"


@dataclass(frozen=True)
class Workflow:
    name: str
    type: Literal["STANDARD", "EXPRESS"]
    summary: str
    started_by: tuple[str, ...]
    tasks: tuple[TaskFunction, ...]
    schedules: tuple[Schedule, ...] = ()

    @property
    def asl_path(self) -> Path:
        return ASL_DIR / f"{self.name}.asl.json"

    def definition(self) -> dict[str, Any]:
        return json.loads(self.asl_path.read_text())

    def placeholders(self) -> set[str]:
        return set(PLACEHOLDER.findall(self.asl_path.read_text()))

    def render(self, substitutions: dict[str, str]) -> str:
        """The ASL with every ``${Placeholder}`` filled; a missing one is an error."""
        text = self.asl_path.read_text()
        missing = self.placeholders() - substitutions.keys()
        if missing:
            raise KeyError(f"{self.asl_path.name}: no value for {', '.join(sorted(missing))}")
        return PLACEHOLDER.sub(lambda m: substitutions[m.group(1)], text)


KB_SYNC = Workflow(
    name="kb-sync",
    type="STANDARD",
    summary="Crawl wecare.digital into the Bedrock knowledge base and wait for the ingestion job",
    started_by=("schedule 02:00 UTC", "CLI", "console"),
    tasks=(
        TaskFunction(
            "StartIngestionJobFunctionArn",
            "tasks.kb_sync.start_ingestion_job.handler",
            "Start an ingestion job, or join the one already running",
        ),
        TaskFunction(
            "CheckIngestionJobFunctionArn",
            "tasks.kb_sync.check_ingestion_job.handler",
            "Read the job's status; raise IngestionJobStillRunning while it runs",
        ),
        TaskFunction(
            "RecordIngestionRunFunctionArn",
            "tasks.kb_sync.record_ingestion_run.handler",
            "Record the run, its statistics and its outcome in the table",
        ),
        TaskFunction(
            "NotifyIngestionFailureFunctionArn",
            "tasks.kb_sync.notify_ingestion_failure.handler",
            "E-mail the operations address why the sync failed",
        ),
    ),
    schedules=(
        Schedule(
            name="kb-sync-daily",
            expression="cron(0 2 * * ? *)",
            description="Daily knowledge-base sync at 02:00 UTC (runbook section 3)",
            input={"trigger": "schedule"},
        ),
    ),
)

WORKFLOWS: tuple[Workflow, ...] = (KB_SYNC,)

# Lambdas outside the state machines; each workflow that needs one adds it here.
SERVICE_FUNCTIONS: tuple[ServiceFunction, ...] = (
    ServiceFunction(
        name="base-wecare-digital-whatsapp",
        handler="tasks.actions.handler.handler",
        description="The runbook's action Lambda: {\"action\": ...} payloads",
        trigger="direct",
    ),
    ServiceFunction(
        name="wecare-waba-events",
        handler="tasks.waba_events.handler.handler",
        description="WABA event destination (SNS): inbound messages and template status",
        trigger="sns",
    ),
)


def workflow(name: str) -> Workflow:
    for entry in WORKFLOWS:
        if entry.name == name:
            return entry
    raise KeyError(name)


def schedules() -> list[tuple[Workflow, Schedule]]:
    return [(entry, schedule) for entry in WORKFLOWS for schedule in entry.schedules]


def find_schedule(name: str) -> tuple[Workflow, Schedule]:
    for entry, schedule in schedules():
        if schedule.name == name:
            return entry, schedule
    raise KeyError(name)


def all_functions() -> tuple[TaskFunction | ServiceFunction, ...]:
    """Every Lambda of the project: the workflows' tasks, then the service functions."""
    return tuple(task for entry in WORKFLOWS for task in entry.tasks) + SERVICE_FUNCTIONS
