"""Features that plug into the embedded runtime beyond the resources it always creates.

A feature is started after the resources exist and stopped before moto stops. It may
add a stand-in (``runtime.stand_ins.stand_ins.append``), mount a page
(``runtime.mounts[prefix] = wsgi_app``), or run a background worker that does what
AWS would do between services (a pipe from a queue to a workflow, an SNS delivery).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from workflows.local.approvals_feature import ApprovalsFeature
from workflows.local.execution_status_events import ExecutionStatusEvents
from workflows.local.notify_pipe import NotifyPipe
from workflows.local.standins.whatsapp_messages import WhatsAppMessagesFeature
from workflows.local.templates_feature import TemplatesFeature


class Feature(Protocol):
    def start(self, runtime: Any) -> None: ...

    def stop(self, runtime: Any) -> None: ...


# Each workflow that needs one adds its factory here.
FEATURE_FACTORIES: tuple[Callable[[], Feature], ...] = (
    WhatsAppMessagesFeature,  # message-notify, welcome: SendWhatsAppMessage, media
    NotifyPipe,  # message-notify: the notify queues' pipes
    ApprovalsFeature,  # profile-apply: the signing secret and the /approvals page
    TemplatesFeature,  # template-submission, template-sync: EUM template API, reviews
    ExecutionStatusEvents,  # profile-apply: requests of executions stopped or timed out
)
