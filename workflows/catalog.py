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
    """A Lambda that is not a workflow step: an HTTPS endpoint, an SNS subscriber, an entry
    point invoked directly (the runbook's action Lambda), or a receiver of the Step
    Functions "Execution Status Change" events of the workflows it ``watches`` that end
    with one of ``ended_statuses``."""

    name: str
    handler: str
    description: str
    trigger: Literal["http", "sns", "direct", "execution-status"]
    timeout_seconds: int = 30
    memory_mb: int = 256
    watches: tuple[str, ...] = ()
    ended_statuses: tuple[str, ...] = ()

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

MESSAGE_NOTIFY = Workflow(
    name="message-notify",
    type="EXPRESS",
    summary="E-mail each inbound or outbound WhatsApp message event exactly once",
    started_by=("notify queues (EventBridge Pipe)", "wecare-flows send-test-event"),
    tasks=(
        TaskFunction(
            "ClaimNotificationFunctionArn",
            "tasks.message_notify.claim_notification.handler",
            "Validate the message event and claim PK=EMAIL#{eventId}, or skip a duplicate",
            timeout_seconds=10,
        ),
        TaskFunction(
            "BuildNotificationEmailFunctionArn",
            "tasks.message_notify.build_notification_email.handler",
            "Build the runbook's e-mail, media as presigned S3 links",
            timeout_seconds=10,
        ),
        TaskFunction(
            "SendNotificationEmailFunctionArn",
            "tasks.message_notify.send_notification_email.handler",
            "Send the e-mail through SES",
            timeout_seconds=10,
        ),
        TaskFunction(
            "MarkNotificationSentFunctionArn",
            "tasks.message_notify.mark_notification_sent.handler",
            "Record the event as e-mailed",
            timeout_seconds=10,
        ),
        TaskFunction(
            "RecordNotificationFailureFunctionArn",
            "tasks.message_notify.record_notification_failure.handler",
            "Give the claim back, record the error, tell operations before the DLQ",
            timeout_seconds=10,
        ),
    ),
)

PROFILE_APPLY = Workflow(
    name="profile-apply",
    type="STANDARD",
    summary="Store a business-profile change, e-mail approvers signed links, wait for the decision",
    started_by=("action update_business_profile", "CLI", "console"),
    tasks=(
        TaskFunction(
            "ValidateProfileFunctionArn",
            "tasks.profile_apply.validate_profile.handler",
            "Check the requested profile against WhatsApp's limits and the tenant's config",
        ),
        TaskFunction(
            "StoreDesiredProfileFunctionArn",
            "tasks.profile_apply.store_desired_profile.handler",
            "Store the profile as a new PENDING_APPLY version; supersede older waiting ones",
        ),
        TaskFunction(
            "BuildApplyInstructionsFunctionArn",
            "tasks.profile_apply.build_apply_instructions.handler",
            "Diff against the last applied profile and write the console steps",
        ),
        TaskFunction(
            "RequestApprovalFunctionArn",
            "tasks.profile_apply.request_approval.handler",
            "Make one approval per approver, keep the task token, e-mail the signed links",
        ),
        TaskFunction(
            "RemindApproversFunctionArn",
            "tasks.profile_apply.remind_approvers.handler",
            "Before the deadline: keep the new task token and remind who has not decided",
        ),
        TaskFunction(
            "RecordOutcomeFunctionArn",
            "tasks.profile_apply.record_outcome.handler",
            "Record APPLIED, REJECTED, EXPIRED, SUPERSEDED or FAILED; close the approvals",
        ),
        TaskFunction(
            "NotifyOutcomeFunctionArn",
            "tasks.profile_apply.notify_outcome.handler",
            "E-mail the operators and approvers how the request ended",
        ),
    ),
)

TEMPLATE_SUBMISSION = Workflow(
    name="template-submission",
    type="STANDARD",
    summary="Validate a WhatsApp template, create it in EUM, wait for Meta's verdict, cache it",
    started_by=("action eum_create_template", "CLI", "console"),
    tasks=(
        TaskFunction(
            "ValidateTemplateFunctionArn",
            "tasks.template_submission.validate_template.handler",
            "Check the template against Meta's rules, all at once; find the tenant",
        ),
        TaskFunction(
            "CreateTemplateFunctionArn",
            "tasks.template_submission.create_template.handler",
            "CreateWhatsAppMessageTemplate, cache it PENDING, open its verdict mailbox",
            timeout_seconds=60,
        ),
        TaskFunction(
            "AwaitVerdictFunctionArn",
            "tasks.template_submission.await_verdict.handler",
            "One round of the wait: leave the task token in the mailbox, poll the template",
        ),
        TaskFunction(
            "RecordSubmissionOutcomeFunctionArn",
            "tasks.template_submission.record_outcome.handler",
            "Cache the verdict (with Meta's reason) and record how the submission ended",
        ),
        TaskFunction(
            "NotifySubmissionOutcomeFunctionArn",
            "tasks.template_submission.notify_outcome.handler",
            "E-mail operations the verdict, the reason and what to change",
        ),
    ),
)

TEMPLATE_SYNC = Workflow(
    name="template-sync",
    type="STANDARD",
    summary="Page through a WABA's templates in EUM and bring the template cache up to date",
    started_by=("schedule 02:30 UTC", "action eum_sync_templates", "CLI"),
    tasks=(
        TaskFunction(
            "ResolveSyncTenantsFunctionArn",
            "tasks.template_sync.resolve_tenants.handler",
            "The tenants to sync: the one named (tenantId or metaWabaId), else all",
        ),
        TaskFunction(
            "ListTemplatesPageFunctionArn",
            "tasks.template_sync.list_templates_page.handler",
            "One page of ListWhatsAppMessageTemplates, upserted into the cache",
            timeout_seconds=60,
        ),
        TaskFunction(
            "MarkDeletedTemplatesFunctionArn",
            "tasks.template_sync.mark_deleted_templates.handler",
            "Mark cached templates the listing no longer has as DELETED",
            timeout_seconds=60,
        ),
        TaskFunction(
            "RecordSyncRunFunctionArn",
            "tasks.template_sync.record_sync_run.handler",
            "Record the run and its counts per tenant; work out how it ended",
        ),
        TaskFunction(
            "NotifySyncFailureFunctionArn",
            "tasks.template_sync.notify_sync_failure.handler",
            "E-mail operations which tenants failed to sync and why",
        ),
    ),
    schedules=(
        Schedule(
            name="template-sync-daily",
            expression="cron(30 2 * * ? *)",
            description="Daily template sync of every tenant at 02:30 UTC (runbook section 4)",
            input={"trigger": "schedule"},
        ),
    ),
)

WORKFLOWS: tuple[Workflow, ...] = (
    KB_SYNC, MESSAGE_NOTIFY, PROFILE_APPLY, TEMPLATE_SUBMISSION, TEMPLATE_SYNC
)

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
    ServiceFunction(
        name="wecare-approval-api",
        handler="tasks.profile_apply.approval_api.handler",
        description="The approval page behind the signed links (HTTP API, payload format 2.0)",
        trigger="http",
    ),
    ServiceFunction(
        name="wecare-profile-apply-close-ended-request",
        handler="tasks.profile_apply.close_ended_request.handler",
        description="Close the request of a profile-apply execution stopped, timed out or "
        "failed before it could record its end",
        trigger="execution-status",
        watches=("profile-apply",),
        ended_statuses=("ABORTED", "TIMED_OUT", "FAILED"),
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
