"""The WhatsApp template API on the embedded runtime, with Meta's review life cycle.

Registers :class:`TemplateApiStandIn` and runs the reviewer: a background thread that,
as the simulated clock passes each template's :class:`ReviewPlan`, moves it from PENDING
to its verdict and publishes the ``message_template_status_update`` event to the WABA
event destination (SNS topic ``wecare-waba-events``), exactly as End User Messaging
Social would, unless the plan withholds it. Tests reach it with :func:`templates_of`;
a person, with the ``/_local/templates`` page (:mod:`workflows.local.templates_page`).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from workflows.local import templates_page
from workflows.local.standins.social_messaging import (
    ReviewPlan,
    StatusEvent,
    StoredTemplate,
    TemplateApiStandIn,
)

log = logging.getLogger(__name__)

REVIEWER_INTERVAL_SECONDS = 0.005  # real seconds between two looks at the pending reviews


class TemplatesFeature:
    def __init__(self) -> None:
        self.api: TemplateApiStandIn | None = None
        self.published: list[StatusEvent] = []
        self._runtime: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, runtime: Any) -> None:
        self._runtime = runtime
        self.api = TemplateApiStandIn({t.waba_id: t.meta_waba_id for t in runtime.settings.tenants})
        runtime.stand_ins.stand_ins.append(self.api)
        runtime.mounts[templates_page.PREFIX] = templates_page.TemplatesPage(self.api)
        self._stop.clear()
        self._thread = threading.Thread(target=self._review, name="wecare-template-review",
                                        daemon=True)
        self._thread.start()

    def stop(self, runtime: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.api in runtime.stand_ins.stand_ins:
            runtime.stand_ins.stand_ins.remove(self.api)

    # -- what tests drive ----------------------------------------------------------------

    def plan_review(self, plan: ReviewPlan, template_name: str | None = None) -> None:
        self._api().plan_review(plan, template_name)

    def template(self, name: str, language: str = "en_US") -> StoredTemplate:
        for stored in self._api().templates.values():
            if (stored.name, stored.language) == (name, language):
                return stored
        raise KeyError(f"no template {name} ({language}) in the stand-in")

    def publish_status_event(self, stored: StoredTemplate) -> None:
        """Publish the event of the template's current status now (e.g. a late one)."""
        self.publish(self._api().status_event(stored))

    def publish(self, event: StatusEvent) -> None:
        """Deliver one change to the WABA event destination, in EUM's SNS envelope."""
        entry = {
            "id": event.meta_waba_id,
            "time": int(datetime.now(UTC).timestamp()),
            "changes": [{"field": "message_template_status_update", "value": event.value}],
        }
        envelope = {
            "context": {"MetaWabaIds": [{"wabaId": event.meta_waba_id,
                                         "arn": self._waba_arn(event.meta_waba_id)}],
                        "MetaPhoneNumberIds": []},
            "whatsAppWebhookEntry": json.dumps(entry),
            "aws_account_id": self._runtime.account_id,
            "message_timestamp": datetime.now(UTC).isoformat(),
            "messageId": str(uuid.uuid4()),
        }
        self._runtime.client("sns").publish(
            TopicArn=self._runtime.services.waba_events_topic_arn, Message=json.dumps(envelope)
        )
        self.published.append(event)

    # -- the reviewer ----------------------------------------------------------------------

    def _review(self) -> None:
        while not self._stop.wait(REVIEWER_INTERVAL_SECONDS):
            for event in self._api().take_events():
                try:
                    self.publish(event)
                except Exception:  # a stopping runtime; the next look retries nothing
                    log.exception("Could not publish a template status event")

    def _api(self) -> TemplateApiStandIn:
        assert self.api is not None, "the templates feature is not started"
        return self.api

    def _waba_arn(self, meta_waba_id: str) -> str:
        for tenant in self._runtime.settings.tenants:
            if tenant.meta_waba_id == meta_waba_id:
                return (f"arn:aws:social-messaging:{self._runtime.region}:"
                        f"{self._runtime.account_id}:waba/{tenant.waba_id.removeprefix('waba-')}")
        return ""


def templates_of(runtime: Any) -> TemplatesFeature:
    """The templates feature of a started runtime."""
    for feature in runtime.features:
        if isinstance(feature, TemplatesFeature):
            return feature
    raise LookupError("the runtime has no TemplatesFeature (workflows/local/features.py)")
