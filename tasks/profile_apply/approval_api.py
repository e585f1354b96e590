"""The approval page behind the signed links: one code path, locally and on AWS.

A Powertools event handler for API Gateway HTTP API events (payload format 2.0); the
embedded runtime turns its own HTTP requests into the same events. ``GET /a/{link}``
only shows the request (mail scanners prefetch links); ``POST /a/{link}`` decides,
with a form token bound to the approval and to a same-site cookie. Locally the page
is mounted under ``/approvals``, which is stripped before routing.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.profile_apply import links, pages
from tasks.profile_apply.decisions import Decision, decide, open_approval
from tasks.profile_apply.errors import DecisionRefused, FormForged

logger = Logger(service="profile-apply")
app = APIGatewayHttpResolver(strip_prefixes=["/approvals"])

HTML = "text/html; charset=utf-8"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    # The link is never sent to another site; "no-referrer" would also make Chromium send
    # "Origin: null" with the page's own form.
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
NONCE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
VERDICTS = {"apply": "APPLIED", "reject": "REJECTED"}


def _page(status: int, html: str, cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(status, HTML, html, headers=SECURITY_HEADERS, cookies=cookies)


@app.get("/a/<link>")
def show_approval(link: str) -> Response[str]:
    verified = links.verify_link(link)
    logger.append_keys(approvalId=verified.approval_id)
    opened = open_approval(verified.approval_id)
    nonce = _cookie_nonce() or links.new_nonce()
    intent = (app.current_event.query_string_parameters or {}).get("intent", "")
    html = pages.approval_page(
        opened.request, opened.approval, links.form_token(verified.approval_id, nonce), intent
    )
    logger.info("Showed an approval page", extra={"tenant": opened.request["tenantId"]})
    return _page(200, html, [_nonce_cookie(nonce)])


@app.post("/a/<link>")
def decide_by_link(link: str) -> Response[str]:
    verified = links.verify_link(link)
    logger.append_keys(approvalId=verified.approval_id)
    _refuse_cross_site()
    form = {k: v[0] for k, v in parse_qs(app.current_event.decoded_body or "").items()}
    links.verify_form(form.get("csrf", ""), verified.approval_id, _cookie_nonce())
    verdict = VERDICTS.get(form.get("decision", ""))
    if verdict is None:
        raise FormForged("the form did not say apply or reject")

    outcome = decide(
        Decision(
            approval_id=verified.approval_id,
            verdict=verdict,  # type: ignore[arg-type]
            approver="",  # the link is the approver's own: it names the approval
            text=form.get("comment" if verdict == "APPLIED" else "reason", ""),
            channel="link",
            source_address=app.current_event.request_context.http.source_ip,
        )
    )
    return _page(200, pages.decided_page(outcome))


@app.get("/")
def home() -> Response[str]:
    return _page(200, pages.not_found_page())


@app.not_found
def not_found(_: Exception) -> Response[str]:
    return _page(404, pages.not_found_page())


@app.exception_handler(DecisionRefused)
def refused(refusal: DecisionRefused) -> Response[str]:
    logger.info("Refused", extra={"reason": type(refusal).__name__})
    return _page(refusal.status_code, pages.refused_page(refusal))


def _cookie_nonce() -> str | None:
    for cookie in app.current_event.cookies or []:
        name, _, value = cookie.strip().partition("=")
        if name == links.CSRF_COOKIE and NONCE.match(value):
            return value
    return None


def _nonce_cookie(nonce: str) -> Cookie:
    secure = links.base_url().startswith("https://")
    return Cookie(links.CSRF_COOKIE, nonce, path="/", secure=secure, http_only=True,
                  same_site=SameSite.LAX_MODE, max_age=links.FORM_MAX_AGE_SECONDS)


def _refuse_cross_site() -> None:
    """A browser says where a POST comes from; only the approval page's own origin may post."""
    headers = app.current_event.headers
    site = headers.get("sec-fetch-site", "")
    if site and site not in ("same-origin", "none"):
        raise FormForged(f"the form was posted from another site ({site})")
    origin = headers.get("origin")
    if origin not in (None, "null"):  # "null": the browser withheld it; the form token decides
        expected = urlsplit(links.base_url())
        if origin != f"{expected.scheme}://{expected.netloc}":
            raise FormForged("the form was posted from another origin")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
