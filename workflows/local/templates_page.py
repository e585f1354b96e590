"""``/_local/templates`` on the embedded runtime: see and steer Meta's simulated review.

    GET  /_local/templates                      the stand-in's templates, as JSON
    POST /_local/templates/review               {"verdict": "REJECTED", "afterSeconds": 60,
                                                 "sendEvent": false, "reason": "PROMOTIONAL",
                                                 "templateName": "..."}: the next review
    POST /_local/templates/{metaTemplateId}/status
                                                {"status": "PAUSED", "sendEvent": true}:
                                                 Meta changes a template later on

Times are simulated seconds (the runtime's ``--time-scale`` applies).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from workflows.local.standins.social_messaging import ReviewPlan, TemplateApiStandIn

PREFIX = "/_local/templates"
STATUS_PATH = re.compile(rf"^{PREFIX}/(?P<meta_id>[0-9]+)/status$")


class TemplatesPage:
    def __init__(self, api: TemplateApiStandIn) -> None:
        self.api = api

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        try:
            response = self._answer(request)
        except (ValueError, TypeError, KeyError) as exc:
            response = _json({"error": f"bad request: {exc}"}, 400)
        return response(environ, start_response)

    def _answer(self, request: Request) -> Response:
        path = request.path.rstrip("/")
        if request.method == "GET" and path == PREFIX:
            return _json([_template_json(t) for t in self.api.templates.values()])
        if request.method == "POST" and path == f"{PREFIX}/review":
            body = request.get_json(force=True) or {}
            plan = ReviewPlan(
                verdict=str(body.get("verdict", "APPROVED")),
                after_seconds=float(body.get("afterSeconds", 120)),
                send_event=bool(body.get("sendEvent", True)),
                reason=body.get("reason"),
            )
            self.api.plan_review(plan, body.get("templateName"))
            return _json({"planned": plan.__dict__, "templateName": body.get("templateName")})
        match = STATUS_PATH.match(path)
        if request.method == "POST" and match:
            body = request.get_json(force=True) or {}
            if match["meta_id"] not in self.api.templates:
                return _json({"error": f"no template {match['meta_id']}"}, 404)
            stored = self.api.set_status(match["meta_id"], str(body["status"]).upper(),
                                         str(body.get("reason", "NONE")),
                                         bool(body.get("sendEvent", True)))
            return _json(_template_json(stored))
        return _json({"error": "not found; see the docstring of workflows/local/templates_page.py"},
                     404)


def _template_json(stored: Any) -> dict[str, Any]:
    return {**stored.summary(), "reason": stored.reason,
            "plan": {"verdict": stored.plan.verdict, "afterSeconds": stored.plan.after_seconds,
                     "sendEvent": stored.plan.send_event}}


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload, indent=2), status=status, mimetype="application/json")
