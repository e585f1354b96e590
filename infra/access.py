"""What each Lambda may touch, and the IAM statements that allow exactly that.

Every function of the catalog is listed in ``FUNCTION_ACCESS`` by its function name.
A function that is missing gets no rights and fails the synth with an error
annotation (which ``cdk deploy`` refuses), so a new handler cannot ship with guessed
rights: add it here with what it calls. ``tests/infra/test_access.py`` reads each
handler's code and fails when a listed function lacks an action its code calls, or
holds an access its code never uses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager

from workflows.resources import EVENT_SOURCE, TEMPLATES_BY_STATUS_INDEX
from workflows.settings import Settings


class Access(Enum):
    READ_TABLE = "read items of the table"
    WRITE_TABLE = "write items of the table"
    READ_MEDIA = "read objects of the media bucket"
    WRITE_MEDIA = "write objects of the media bucket"
    SEND_EMAIL = "send e-mail from the SES sender identity"
    START_INGESTION_JOB = "start (or find) an ingestion job on the knowledge base"
    READ_INGESTION_JOBS = "read the knowledge base's ingestion jobs"
    START_WORKFLOWS = "start executions of the catalog's state machines"
    READ_EXECUTIONS = "describe executions of the catalog's state machines"
    RESUME_WORKFLOWS = "answer a waiting task token (SendTaskSuccess/Failure)"
    PUBLISH_EVENTS = "put wecare.flows events on the default event bus"
    READ_APPROVAL_SECRET = "read the approval-link signing key"
    SEND_WHATSAPP_MESSAGES = "send WhatsApp messages from the tenants' phone numbers"
    READ_WHATSAPP_MEDIA = "fetch the media of inbound WhatsApp messages"
    READ_WHATSAPP_TEMPLATES = "read the tenants' message templates"
    CREATE_WHATSAPP_TEMPLATES = "submit new message templates for the tenants"


ACTIONS: dict[Access, tuple[str, ...]] = {
    Access.READ_TABLE: (
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:ConditionCheckItem",
    ),
    Access.WRITE_TABLE: (
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
    ),
    Access.READ_MEDIA: ("s3:GetObject", "s3:ListBucket"),
    Access.WRITE_MEDIA: ("s3:PutObject",),
    Access.SEND_EMAIL: ("ses:SendEmail",),
    Access.START_INGESTION_JOB: ("bedrock:StartIngestionJob", "bedrock:ListIngestionJobs"),
    Access.READ_INGESTION_JOBS: ("bedrock:GetIngestionJob", "bedrock:ListIngestionJobs"),
    Access.START_WORKFLOWS: ("states:StartExecution",),
    Access.READ_EXECUTIONS: ("states:DescribeExecution",),
    Access.RESUME_WORKFLOWS: (
        "states:SendTaskSuccess",
        "states:SendTaskFailure",
        "states:SendTaskHeartbeat",
    ),
    Access.PUBLISH_EVENTS: ("events:PutEvents",),
    Access.READ_APPROVAL_SECRET: ("secretsmanager:GetSecretValue",),
    Access.SEND_WHATSAPP_MESSAGES: ("social-messaging:SendWhatsAppMessage",),
    Access.READ_WHATSAPP_MEDIA: ("social-messaging:GetWhatsAppMessageMedia",),
    Access.READ_WHATSAPP_TEMPLATES: (
        "social-messaging:GetWhatsAppMessageTemplate",
        "social-messaging:ListWhatsAppMessageTemplates",
    ),
    Access.CREATE_WHATSAPP_TEMPLATES: ("social-messaging:CreateWhatsAppMessageTemplate",),
}

_TABLE = frozenset({Access.READ_TABLE, Access.WRITE_TABLE})

FUNCTION_ACCESS: dict[str, frozenset[Access]] = {
    # kb-sync
    "wecare-kb-sync-start-ingestion-job": frozenset({Access.START_INGESTION_JOB}),
    "wecare-kb-sync-check-ingestion-job": frozenset({Access.READ_INGESTION_JOBS}),
    "wecare-kb-sync-record-ingestion-run": frozenset({Access.WRITE_TABLE}),
    "wecare-kb-sync-notify-ingestion-failure": frozenset({Access.SEND_EMAIL}),
    # message-notify
    "wecare-message-notify-claim-notification": _TABLE,
    "wecare-message-notify-build-notification-email": frozenset({Access.READ_MEDIA}),
    "wecare-message-notify-send-notification-email": _TABLE | {Access.SEND_EMAIL},
    "wecare-message-notify-mark-notification-sent": _TABLE,
    "wecare-message-notify-record-notification-failure": _TABLE | {Access.SEND_EMAIL},
    # profile-apply
    "wecare-profile-apply-validate-profile": frozenset({Access.READ_TABLE}),
    "wecare-profile-apply-store-desired-profile": _TABLE
    | {Access.READ_EXECUTIONS, Access.RESUME_WORKFLOWS},
    "wecare-profile-apply-build-apply-instructions": _TABLE,
    "wecare-profile-apply-request-approval": _TABLE
    | {Access.READ_APPROVAL_SECRET, Access.SEND_EMAIL},
    "wecare-profile-apply-remind-approvers": _TABLE
    | {
        Access.READ_APPROVAL_SECRET,
        Access.SEND_EMAIL,
        Access.READ_EXECUTIONS,
        Access.RESUME_WORKFLOWS,
    },
    "wecare-profile-apply-record-outcome": _TABLE,
    "wecare-profile-apply-notify-outcome": frozenset({Access.SEND_EMAIL}),
    # template-submission
    "wecare-template-submission-validate-template": frozenset({Access.READ_TABLE}),
    "wecare-template-submission-create-template": _TABLE
    | {Access.READ_WHATSAPP_TEMPLATES, Access.CREATE_WHATSAPP_TEMPLATES},
    "wecare-template-submission-await-verdict": _TABLE
    | {Access.READ_WHATSAPP_TEMPLATES, Access.RESUME_WORKFLOWS},
    "wecare-template-submission-record-outcome": _TABLE,
    "wecare-template-submission-notify-outcome": frozenset({Access.SEND_EMAIL}),
    # template-sync
    "wecare-template-sync-resolve-tenants": _TABLE,
    "wecare-template-sync-list-templates-page": _TABLE | {Access.READ_WHATSAPP_TEMPLATES},
    "wecare-template-sync-mark-deleted-templates": _TABLE,
    "wecare-template-sync-record-sync-run": _TABLE,
    "wecare-template-sync-notify-sync-failure": frozenset({Access.SEND_EMAIL}),
    # The action Lambda: sends messages, keeps tenants' settings, starts workflows and
    # takes approvers' decisions.
    "base-wecare-digital-whatsapp": _TABLE
    | {
        Access.SEND_WHATSAPP_MESSAGES,
        Access.PUBLISH_EVENTS,
        Access.START_WORKFLOWS,
        Access.READ_EXECUTIONS,
        Access.RESUME_WORKFLOWS,
    },
    # The WABA event destination: records messages, fetches media into the bucket,
    # answers menus, routes messages to the notify queues, and hands template verdicts
    # to the template-submission executions waiting for them.
    "wecare-waba-events": _TABLE
    | {
        Access.READ_MEDIA,
        Access.WRITE_MEDIA,
        Access.READ_WHATSAPP_MEDIA,
        Access.SEND_WHATSAPP_MESSAGES,
        Access.PUBLISH_EVENTS,
        Access.RESUME_WORKFLOWS,
    },
    # The approval page: verifies links, records decisions, resumes profile-apply.
    "wecare-approval-api": _TABLE
    | {Access.READ_APPROVAL_SECRET, Access.READ_EXECUTIONS, Access.RESUME_WORKFLOWS},
    # Closes the request of a profile-apply execution that ended without recording it.
    "wecare-profile-apply-close-ended-request": _TABLE,
}


@dataclass(frozen=True)
class AccessTargets:
    """The resources the functions' rights name."""

    table: dynamodb.ITable
    media_bucket: s3.IBucket
    approval_secret: secretsmanager.ISecret
    knowledge_base_arn: str | None
    workflow_names: tuple[str, ...]
    settings: Settings


class AccessPolicies:
    """Turns an ``Access`` into the IAM statements that allow it, on these resources only."""

    def __init__(self, stack: Stack, targets: AccessTargets) -> None:
        self.stack = stack
        self.targets = targets
        table_arn = targets.table.table_arn
        self._resources: Mapping[Access, Callable[[], list[str]]] = {
            Access.READ_TABLE: lambda: [
                table_arn,
                f"{table_arn}/index/{TEMPLATES_BY_STATUS_INDEX}",
            ],
            Access.WRITE_TABLE: lambda: [table_arn],
            Access.READ_MEDIA: lambda: [
                targets.media_bucket.bucket_arn,
                targets.media_bucket.arn_for_objects("*"),
            ],
            Access.WRITE_MEDIA: lambda: [targets.media_bucket.arn_for_objects("*")],
            Access.SEND_EMAIL: self._sender_identities,
            Access.START_INGESTION_JOB: self._knowledge_base,
            Access.READ_INGESTION_JOBS: self._knowledge_base,
            Access.START_WORKFLOWS: lambda: [
                self._arn("states", f"stateMachine:{name}") for name in targets.workflow_names
            ],
            Access.READ_EXECUTIONS: lambda: [
                self._arn("states", f"execution:{name}:*") for name in targets.workflow_names
            ],
            # Task tokens name no resource: these calls take no resource-level permission.
            Access.RESUME_WORKFLOWS: lambda: ["*"],
            Access.PUBLISH_EVENTS: lambda: [self._arn("events", "event-bus/default")],
            Access.READ_APPROVAL_SECRET: lambda: [targets.approval_secret.secret_arn],
            Access.SEND_WHATSAPP_MESSAGES: lambda: self._tenant_arns("phone-number-id"),
            Access.READ_WHATSAPP_MEDIA: lambda: self._tenant_arns("phone-number-id"),
            Access.READ_WHATSAPP_TEMPLATES: lambda: self._tenant_arns("waba"),
            Access.CREATE_WHATSAPP_TEMPLATES: lambda: self._tenant_arns("waba"),
        }
        self._conditions: Mapping[Access, dict[str, dict[str, str]]] = {
            Access.SEND_EMAIL: {
                "StringEquals": {"ses:FromAddress": targets.settings.ses_sender_email}
            },
            Access.PUBLISH_EVENTS: {"StringEquals": {"events:source": EVENT_SOURCE}},
        }

    def statements(self, access: Access) -> list[iam.PolicyStatement]:
        resources = self._resources[access]()
        if not resources:
            return []
        return [
            iam.PolicyStatement(
                actions=list(ACTIONS[access]),
                resources=resources,
                conditions=self._conditions.get(access),
            )
        ]

    def _sender_identities(self) -> list[str]:
        sender = self.targets.settings.ses_sender_email
        domain = sender.split("@", 1)[1]
        # SES checks the identity the sender was verified as: the address or its domain.
        return [self._arn("ses", f"identity/{sender}"), self._arn("ses", f"identity/{domain}")]

    def _knowledge_base(self) -> list[str]:
        arn = self.targets.knowledge_base_arn
        return [arn] if arn else []

    def _tenant_arns(self, resource_type: str) -> list[str]:
        field = {"waba": "waba_id", "phone-number-id": "phone_number_id"}[resource_type]
        return [
            self._arn("social-messaging", f"{resource_type}/{aws_resource_id(getattr(t, field))}")
            for t in self.targets.settings.tenants
        ]

    def _arn(self, service: str, resource: str) -> str:
        stack = self.stack
        return f"arn:{stack.partition}:{service}:{stack.region}:{stack.account}:{resource}"


def aws_resource_id(identifier: str) -> str:
    """``waba-0123…`` / ``phone-number-id-0123…`` → ``0123…``, as End User Messaging
    Social ARNs (``…:waba/0123…``) spell them."""
    for prefix in ("phone-number-id-", "waba-"):
        if identifier.startswith(prefix):
            return identifier[len(prefix) :]
    return identifier
