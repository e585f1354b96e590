"""Local stand-in for the End User Messaging Social template API (``socialmessaging``).

It serves CreateWhatsAppMessageTemplate, GetWhatsAppMessageTemplate,
ListWhatsAppMessageTemplates, UpdateWhatsAppMessageTemplate and
DeleteWhatsAppMessageTemplate with the shapes of the botocore model (2024-01-01): the
``templateDefinition`` blob arrives base64-encoded in the JSON body and is decoded as
the service does; ``template`` comes back as a JSON string of Meta's template. Errors
are the model's: ``ValidationException``, ``InvalidParametersException`` (Meta refused
the template, e.g. a name and language that already exist), ``ResourceNotFoundException``
and ``ThrottledRequestException`` (Meta's 100 creations per WABA per hour, or when a
test asks for it). A new template is PENDING until its :class:`ReviewPlan` decides it,
in simulated seconds on the runtime's clock; the status events a decision makes are
queued for :mod:`workflows.local.templates_feature` to publish (or withhold).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from workflows.local.clock import CLOCK
from workflows.local.standins import ApiError, ApiRequest, ApiResponse, StandIn

WABA_ID = re.compile(r".*(^waba-.*$)|(^arn:.*:waba/[0-9a-zA-Z]+$).*")
CREATIONS_PER_HOUR = 100
LIST_DEFAULT_SIZE = 100
REJECTION_INFO = {
    "INVALID_FORMAT": (
        "Variable parameters are next to each other or at the start or end of the text.",
        "Add words between the variables and around them, then submit the template again.",
    ),
}


@dataclass
class ReviewPlan:
    """How Meta's review of the next template goes, in simulated seconds.

    ``after_polls`` decides on that GetWhatsAppMessageTemplate call instead of a time
    (the benchmark's fixed-interval poll uses it). ``send_event=False`` withholds the
    ``message_template_status_update`` event, as when EUM does not forward it.
    """

    verdict: str = "APPROVED"
    after_seconds: float = 120.0
    send_event: bool = True
    reason: str | None = None
    after_polls: int | None = None

    def __post_init__(self) -> None:
        self.verdict = self.verdict.upper()
        if self.verdict == "REJECTED" and self.reason is None:
            self.reason = "INVALID_FORMAT"


@dataclass
class StoredTemplate:
    waba_id: str
    meta_template_id: str
    name: str
    language: str
    category: str
    components: list[dict[str, Any]]
    parameter_format: str
    plan: ReviewPlan
    status: str = "PENDING"
    reason: str = "NONE"
    quality_score: str = "UNKNOWN"
    source: str = "CUSTOM"
    polls: int = 0
    decided: bool = False
    reviewed_from: float = field(default_factory=time.monotonic)

    def review_elapsed(self) -> float:
        return CLOCK.simulated_seconds(time.monotonic() - self.reviewed_from)

    def meta_json(self) -> dict[str, Any]:
        """Meta's template object, as GetWhatsAppMessageTemplate returns it in ``template``."""
        return {
            "id": self.meta_template_id,
            "name": self.name,
            "language": self.language,
            "status": self.status,
            "category": self.category,
            "parameter_format": self.parameter_format,
            "components": self.components,
            "rejected_reason": self.reason,
            "quality_score": {"score": self.quality_score},
        }

    def summary(self) -> dict[str, Any]:
        return {
            "templateName": self.name,
            "metaTemplateId": self.meta_template_id,
            "templateStatus": self.status,
            "templateQualityScore": self.quality_score,
            "templateLanguage": self.language,
            "templateCategory": self.category,
            "templateSource": self.source,
        }


@dataclass(frozen=True)
class StatusEvent:
    """A ``message_template_status_update`` change for a WABA, waiting to be published."""

    meta_waba_id: str
    value: dict[str, Any]


class TemplateApiStandIn(StandIn):
    signing_name = "social-messaging"
    routes = (
        ("POST", r"/v1/whatsapp/template/put", "create_template"),
        ("GET", r"/v1/whatsapp/template/list", "list_templates"),
        ("GET", r"/v1/whatsapp/template", "get_template"),
        ("POST", r"/v1/whatsapp/template", "update_template"),
        ("DELETE", r"/v1/whatsapp/template", "delete_template"),
    )

    def __init__(self, meta_waba_ids: dict[str, str]) -> None:
        """``meta_waba_ids``: the linked WABAs, EUM id (``waba-…``) → Meta's WABA id."""
        self.meta_waba_ids = dict(meta_waba_ids)
        self.templates: dict[str, StoredTemplate] = {}
        self.default_plan = ReviewPlan()
        self.next_plans: list[ReviewPlan] = []
        self.named_plans: dict[str, ReviewPlan] = {}
        self.throttle_next_calls: dict[str, int] = {}
        self.calls: list[str] = []
        self._events: list[StatusEvent] = []
        self._creations: dict[str, list[float]] = {}
        self._ids = itertools.count(1689556908129832)
        self._lock = threading.RLock()

    # -- what tests and the runtime set ------------------------------------------------

    def plan_review(self, plan: ReviewPlan, template_name: str | None = None) -> None:
        """The review of the next template created (or of the one named) follows ``plan``."""
        with self._lock:
            if template_name:
                self.named_plans[template_name] = plan
            else:
                self.next_plans.append(plan)

    def throttle(self, operation: str, times: int) -> None:
        """Answer the next ``times`` calls of ``operation`` with ``ThrottledRequestException``."""
        with self._lock:
            self.throttle_next_calls[operation] = times

    def seed_template(
        self, waba_id: str, name: str, language: str = "en_US", category: str = "UTILITY",
        status: str = "APPROVED", quality_score: str = "GREEN",
    ) -> StoredTemplate:
        """A template that exists in the WABA already, created outside any workflow."""
        with self._lock:
            stored = StoredTemplate(
                waba_id, str(next(self._ids)), name, language, category,
                [{"type": "BODY", "text": f"Seeded template {name}."}], "POSITIONAL",
                ReviewPlan(verdict=status), status=status, quality_score=quality_score,
                decided=True,
            )
            self.templates[stored.meta_template_id] = stored
            return stored

    def set_status(
        self, meta_template_id: str, status: str, reason: str = "NONE", send_event: bool = True
    ) -> StoredTemplate:
        """Meta changes a template's status (PAUSED, DISABLED …), with or without the event."""
        with self._lock:
            stored = self.templates[meta_template_id]
            stored.status, stored.reason, stored.decided = status, reason, True
            if send_event:
                self._events.append(self.status_event(stored))
            return stored

    def take_events(self) -> list[StatusEvent]:
        """The status events decided since the last call (decides due reviews first)."""
        with self._lock:
            self._decide_due()
            events, self._events = self._events, []
            return events

    def status_event(self, stored: StoredTemplate) -> StatusEvent:
        value: dict[str, Any] = {
            "event": stored.status,
            "message_template_id": int(stored.meta_template_id),
            # Meta's webhook reference spells the locale with a hyphen (en-US).
            "message_template_name": stored.name,
            "message_template_language": stored.language.replace("_", "-"),
            "reason": stored.reason,
            "message_template_category": stored.category,
        }
        if stored.status == "REJECTED" and stored.reason in REJECTION_INFO:
            detail, recommendation = REJECTION_INFO[stored.reason]
            value["rejection_info"] = {"reason": detail, "recommendation": recommendation}
        return StatusEvent(self.meta_waba_ids.get(stored.waba_id, ""), value)

    # -- the API -----------------------------------------------------------------------

    def create_template(self, request: ApiRequest) -> ApiResponse:
        self._called("CreateWhatsAppMessageTemplate")
        body = request.json()
        waba_id = self._waba(body.get("id"))
        definition = self._definition(body.get("templateDefinition"))
        with self._lock:
            self._decide_due()
            self._limit_creations(waba_id)
            language = str(definition["language"])
            for stored in self.templates.values():
                if (stored.waba_id, stored.name, stored.language) == (
                    waba_id, definition["name"], language
                ):
                    raise ApiError(
                        400, "InvalidParametersException",
                        f"Meta refused the template: content in this language already exists "
                        f"(template {stored.name}, language {language})",
                    )
            stored = StoredTemplate(
                waba_id, str(next(self._ids)), definition["name"], language,
                str(definition["category"]).upper(), definition["components"],
                str(definition.get("parameter_format", "POSITIONAL")).upper(),
                self._next_plan(definition["name"]),
            )
            self.templates[stored.meta_template_id] = stored
        return ApiResponse(200, {
            "metaTemplateId": stored.meta_template_id,
            "templateStatus": stored.status,
            "category": stored.category,
        })

    def get_template(self, request: ApiRequest) -> ApiResponse:
        self._called("GetWhatsAppMessageTemplate")
        waba_id = self._waba(_query(request, "id"))
        with self._lock:
            stored = self._find(waba_id, request)
            stored.polls += 1
            self._decide_due()
            return ApiResponse(200, {"template": json.dumps(stored.meta_json())})

    def list_templates(self, request: ApiRequest) -> ApiResponse:
        self._called("ListWhatsAppMessageTemplates")
        waba_id = self._waba(_query(request, "id"))
        size = _query(request, "maxResults") or str(LIST_DEFAULT_SIZE)
        if not size.isdigit() or not 1 <= int(size) <= 100:
            raise ApiError(400, "ValidationException",
                           f"1 validation error detected: Value '{size}' at 'maxResults' failed "
                           "to satisfy constraint: Member must have value between 1 and 100")
        start = _decode_token(_query(request, "nextToken"))
        with self._lock:
            self._decide_due()
            mine = sorted((t for t in self.templates.values() if t.waba_id == waba_id),
                          key=lambda t: int(t.meta_template_id))
        page = mine[start:start + int(size)]
        body: dict[str, Any] = {"templates": [t.summary() for t in page]}
        if start + int(size) < len(mine):
            body["nextToken"] = _encode_token(start + int(size))
        return ApiResponse(200, body)

    def update_template(self, request: ApiRequest) -> ApiResponse:
        self._called("UpdateWhatsAppMessageTemplate")
        body = request.json()
        waba_id = self._waba(body.get("id"))
        with self._lock:
            stored = self._find(waba_id, request, body)
            if body.get("templateComponents"):
                components = self._blob_json(body["templateComponents"], "templateComponents")
                stored.components = components if isinstance(components, list) else [components]
            if body.get("templateCategory"):
                stored.category = str(body["templateCategory"]).upper()
            # An edit sends the template back to review.
            stored.status, stored.reason, stored.decided = "PENDING", "NONE", False
            stored.plan, stored.polls = self._next_plan(stored.name), 0
            stored.reviewed_from = time.monotonic()
        return ApiResponse(200, {})

    def delete_template(self, request: ApiRequest) -> ApiResponse:
        self._called("DeleteWhatsAppMessageTemplate")
        waba_id = self._waba(_query(request, "id"))
        name = _query(request, "templateName")
        if not name:
            raise ApiError(400, "ValidationException", "templateName is required")
        meta_id = _query(request, "metaTemplateId")
        every_language = _query(request, "deleteAllTemplates") == "true"
        with self._lock:
            doomed = [
                t for t in self.templates.values()
                if t.waba_id == waba_id and t.name == name
                and (every_language or not meta_id or t.meta_template_id == meta_id)
            ]
            if not doomed:
                raise ApiError(404, "ResourceNotFoundException", f"Template {name} not found")
            for stored in doomed:
                del self.templates[stored.meta_template_id]
        return ApiResponse(200, {})

    # -- review life cycle -------------------------------------------------------------

    def _next_plan(self, name: str) -> ReviewPlan:
        named = self.named_plans.pop(name, None)
        if named is not None:
            return named
        return self.next_plans.pop(0) if self.next_plans else self.default_plan

    def _decide_due(self) -> None:
        """Apply every review whose time (or poll count) has come; queue their events."""
        for stored in self.templates.values():
            if stored.decided or stored.status != "PENDING":
                continue
            plan = stored.plan
            due = (stored.polls >= plan.after_polls if plan.after_polls is not None
                   else stored.review_elapsed() >= plan.after_seconds)
            if not due:
                continue
            stored.status, stored.decided = plan.verdict, True
            stored.reason = plan.reason or "NONE"
            if plan.verdict == "APPROVED":
                stored.quality_score = "GREEN"
            if plan.send_event:
                self._events.append(self.status_event(stored))

    # -- checks ------------------------------------------------------------------------

    def _called(self, operation: str) -> None:
        with self._lock:
            self.calls.append(operation)
            remaining = self.throttle_next_calls.get(operation, 0)
            if remaining:
                self.throttle_next_calls[operation] = remaining - 1
                raise ApiError(429, "ThrottledRequestException", "Rate exceeded")

    def _limit_creations(self, waba_id: str) -> None:
        now = CLOCK.simulated_seconds(time.monotonic())
        recent = [t for t in self._creations.get(waba_id, []) if now - t < 3600]
        if len(recent) >= CREATIONS_PER_HOUR:
            raise ApiError(429, "ThrottledRequestException",
                           f"Meta allows {CREATIONS_PER_HOUR} template creations per WABA per hour")
        self._creations[waba_id] = [*recent, now]

    def _waba(self, waba_id: Any) -> str:
        if not isinstance(waba_id, str) or not WABA_ID.match(waba_id) or len(waba_id) > 115:
            raise ApiError(400, "ValidationException",
                           f"1 validation error detected: Value '{waba_id}' at 'id' failed to "
                           "satisfy constraint: Member must satisfy regular expression pattern")
        waba_id = waba_id.rsplit("/", 1)[-1] if waba_id.startswith("arn:") else waba_id
        if waba_id not in self.meta_waba_ids:
            raise ApiError(404, "ResourceNotFoundException",
                           f"WhatsApp Business Account {waba_id} is not linked to this account")
        return waba_id

    def _definition(self, blob: Any) -> dict[str, Any]:
        definition = self._blob_json(blob, "templateDefinition")
        if not isinstance(definition, dict):
            raise ApiError(400, "InvalidParametersException",
                           "templateDefinition must be a JSON object")
        for required in ("name", "language", "category", "components"):
            if not definition.get(required):
                raise ApiError(400, "InvalidParametersException",
                               f"Meta refused the template: (#100) The parameter {required} "
                               "is required")
        if not re.fullmatch(r"[a-z0-9_]{1,512}", str(definition["name"])):
            raise ApiError(400, "InvalidParametersException",
                           "Meta refused the template: (#100) Invalid parameter: name may "
                           "contain only lowercase letters, digits and underscores")
        if str(definition["category"]).upper() not in ("UTILITY", "MARKETING", "AUTHENTICATION"):
            raise ApiError(400, "InvalidParametersException",
                           f"Meta refused the template: invalid category {definition['category']}")
        return definition

    @staticmethod
    def _blob_json(blob: Any, name: str) -> Any:
        """A REST-JSON blob member is base64 text in the body; decode it as the service does."""
        try:
            raw = base64.b64decode(str(blob), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError(400, "ValidationException", f"{name} is not valid base64") from exc
        if not 1 <= len(raw) <= 6000:
            raise ApiError(400, "ValidationException",
                           f"1 validation error detected: Value at '{name}' failed to satisfy "
                           "constraint: Member must have length between 1 and 6000")
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise ApiError(400, "InvalidParametersException", f"{name} is not JSON") from exc

    def _find(
        self, waba_id: str, request: ApiRequest, body: dict[str, Any] | None = None
    ) -> StoredTemplate:
        source = body if body is not None else {k: v[0] for k, v in request.query.items()}
        meta_id = source.get("metaTemplateId")
        name, language = source.get("templateName"), source.get("templateLanguageCode")
        if not meta_id and not (name and language):
            raise ApiError(400, "ValidationException",
                           "Either metaTemplateId, or templateName and templateLanguageCode, "
                           "must be provided")
        for stored in self.templates.values():
            if stored.waba_id != waba_id:
                continue
            if (meta_id and stored.meta_template_id == str(meta_id)) or (
                not meta_id and (stored.name, stored.language) == (name, language)
            ):
                return stored
        wanted = meta_id or f"{name} ({language})"
        raise ApiError(404, "ResourceNotFoundException", f"Template {wanted} not found")


def _query(request: ApiRequest, name: str) -> str:
    values = request.query.get(name)
    return values[0] if values else ""


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _decode_token(token: str) -> int:
    if not token:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["offset"])
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise ApiError(400, "ValidationException", "The nextToken is not valid") from exc
