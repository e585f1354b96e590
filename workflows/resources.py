"""Names and shapes of the shared resources, used alike by the embedded runtime,
the CLI and the CDK app.

One DynamoDB table holds every record (``PK``, ``SK``, ``ttl``), scoped by tenant in
its keys; ``TemplatesByStatus`` indexes WhatsApp templates by their review status.
"""

from __future__ import annotations

from dataclasses import dataclass

TABLE_NAME = "wecare-flows"
TABLE_PARTITION_KEY = "PK"
TABLE_SORT_KEY = "SK"
TABLE_TTL_ATTRIBUTE = "ttl"
TEMPLATES_BY_STATUS_INDEX = "TemplatesByStatus"
TEMPLATES_BY_STATUS_KEYS = ("templateStatus", "SK")

MEDIA_BUCKET_NAME = "wecare-flows-media"
WABA_EVENTS_TOPIC_NAME = "wecare-waba-events"
# Signs the approval links (Secrets Manager); handlers read its ARN from APPROVAL_SECRET_ARN.
APPROVAL_SECRET_NAME = "wecare-flows/approval-signing-key"
EVENT_SOURCE = "wecare.flows"


@dataclass(frozen=True)
class NotifyQueue:
    """A queue that feeds the message-notify workflow, with its dead-letter queue."""

    name: str
    detail_type: str
    visibility_timeout_seconds: int = 180
    max_receive_count: int = 5

    @property
    def dead_letter_name(self) -> str:
        return f"{self.name}-dlq"

    @property
    def rule_name(self) -> str:
        return f"{self.name}-rule"


INBOUND_NOTIFY_QUEUE = NotifyQueue("wecare-inbound-notify", "WhatsApp Message Received")
OUTBOUND_NOTIFY_QUEUE = NotifyQueue("wecare-outbound-notify", "WhatsApp Message Sent")
NOTIFY_QUEUES = (INBOUND_NOTIFY_QUEUE, OUTBOUND_NOTIFY_QUEUE)
