"""Every bad use of an approval link shows its own page and changes nothing: tampered,
expired, reused, superseded and late links, a GET without a POST, and forged POSTs."""

from __future__ import annotations

import time

import pytest

from tasks.profile_apply import links
from tests.waiting import wait_until
from tests.workflow.profile_apply_flow import (
    Approver,
    approval_id_in,
    approval_record,
    decisions,
    links_in,
    request_record,
    start_change,
    status_of,
    wait_for_approval_email,
)
from workflows.local.runtime import LocalRuntime


@pytest.fixture
def waiting(runtime: LocalRuntime) -> tuple[str, str, str]:
    """A change waiting for its approver: (execution ARN, apply link, approval id)."""
    arn = start_change(runtime)
    email = wait_for_approval_email(runtime)
    return arn, links_in(email)["apply"], approval_id_in(email)


def assert_nothing_changed(runtime: LocalRuntime, arn: str, approval_id: str) -> None:
    assert request_record(runtime, 1)["status"] == "PENDING_APPLY"
    assert request_record(runtime, 1)["approvalsReceived"] == 0
    assert approval_record(runtime, approval_id)["status"] == "PENDING"
    assert decisions(runtime) == []
    assert status_of(runtime, arn) == "RUNNING"


def test_opening_a_link_many_times_only_shows_the_page(runtime, waiting) -> None:
    # GIVEN a mail scanner and the approver both open the link
    arn, url, approval_id = waiting
    for _ in range(3):
        page = Approver(runtime).open(url)
        # THEN each GET shows the request and its two forms, and decides nothing
        assert page.status_code == 200
        assert "Mark applied" in page.text and "Reject" in page.text
        assert "Trips made simple" in page.text
    assert_nothing_changed(runtime, arn, approval_id)


def test_page_tells_browsers_not_to_cache_frame_or_leak_the_link(runtime, waiting) -> None:
    page = Approver(runtime).open(waiting[1])
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_tampered_link_is_refused(runtime, waiting) -> None:
    arn, url, approval_id = waiting
    # A character inside the signature: the last one's low bits are base64 padding, and
    # "A" and "B" there decode to the same signature.
    at = len(url) - 6
    flipped = url[:at] + ("A" if url[at] != "A" else "B") + url[at + 1:]

    for page in (Approver(runtime).open(flipped),
                 Approver(runtime).post(flipped, {"decision": "apply"})):
        assert page.status_code == 400 and "This link is not valid" in page.text
    assert_nothing_changed(runtime, arn, approval_id)


def test_a_link_naming_another_approval_id_is_refused(runtime, waiting) -> None:
    arn, url, approval_id = waiting
    forged = url.rsplit("/", 1)[0] + "/" + links.link_token("apv-00000000000000000000",
                                                             int(time.time()) + 3600)
    page = Approver(runtime).open(forged)
    assert page.status_code == 404 and "No such approval" in page.text
    assert_nothing_changed(runtime, arn, approval_id)


def test_an_expired_link_is_refused(runtime, waiting) -> None:
    # GIVEN a link of this approval whose expiry has passed (as if signed a week ago)
    arn, url, approval_id = waiting
    expired = url.rsplit("/", 1)[0] + "/" + links.link_token(approval_id, int(time.time()) - 1)

    page = Approver(runtime).open(expired)

    assert page.status_code == 410 and "This link has expired" in page.text
    assert_nothing_changed(runtime, arn, approval_id)


def test_a_used_link_works_once(runtime, waiting) -> None:
    # GIVEN the approver marked the change applied
    arn, url, _ = waiting
    approver = Approver(runtime)
    token = approver.form_token(url)
    assert approver.post(url, {"csrf": token, "decision": "apply"}).status_code == 200
    runtime.wait_for(arn)

    # WHEN the link is opened again, or its form posted again (a double click, a replay)
    again = approver.open(url)
    replay = approver.post(url, {"csrf": token, "decision": "reject", "reason": "changed mind"})

    # THEN both say it was used, and the one decision stands
    for page in (again, replay):
        assert page.status_code == 409 and "This link was already used" in page.text
        assert "approver@wecare.digital" in page.text
    assert [d["decision"] for d in decisions(runtime)] == ["APPLIED"]
    assert request_record(runtime, 1)["status"] == "APPLIED"


def test_a_superseded_link_is_refused(runtime, waiting) -> None:
    arn, url, _ = waiting
    start_change(runtime, about="A newer about")
    wait_for_approval_email(runtime, version=2)
    runtime.wait_for(arn)

    page = Approver(runtime).open(url)

    assert page.status_code == 410 and "A newer change replaced this one" in page.text
    assert "superseded by version 2" in page.text
    assert request_record(runtime, 1)["status"] == "SUPERSEDED"
    assert decisions(runtime) == []


def test_a_late_link_is_refused_when_the_execution_has_ended(runtime, waiting) -> None:
    # GIVEN the approver opened the page, then the execution was stopped
    arn, url, approval_id = waiting
    approver = Approver(runtime)
    token = approver.form_token(url)
    runtime.client("stepfunctions").stop_execution(executionArn=arn, error="StoppedByOperator")

    # WHEN the approver posts the form, or opens the link again
    late_post = approver.post(url, {"csrf": token, "decision": "apply"})
    late_open = approver.open(url)

    # THEN both say the change no longer waits, and no decision is recorded: the request
    # ends STOPPED (closed on the execution's status event), its approval CLOSED
    for page in (late_post, late_open):
        assert page.status_code == 410
        assert "This change is no longer waiting for a decision" in page.text
    wait_until(lambda: request_record(runtime, 1)["status"] == "STOPPED", "the request to close")
    # (the approvals are closed right after the request)
    wait_until(lambda: approval_record(runtime, approval_id)["status"] == "CLOSED",
               "the approval to close")
    assert decisions(runtime) == []


def test_a_post_without_the_pages_form_token_is_refused(runtime, waiting) -> None:
    # GIVEN another site makes the approver's browser post to the link (no form token)
    arn, url, approval_id = waiting
    approver = Approver(runtime)
    approver.open(url)  # the browser holds the page's cookie

    page = approver.post(url, {"decision": "apply"})

    assert page.status_code == 403 and "This form was not sent from the approval page" in page.text
    assert_nothing_changed(runtime, arn, approval_id)


def test_a_form_token_without_its_cookie_is_refused(runtime, waiting) -> None:
    # GIVEN a form token copied from the approver's page into another browser
    arn, url, approval_id = waiting
    token = Approver(runtime).form_token(url)

    page = Approver(runtime).post(url, {"csrf": token, "decision": "apply"})

    assert page.status_code == 403 and "cookie" in page.text
    assert_nothing_changed(runtime, arn, approval_id)


def test_a_post_from_another_origin_is_refused(runtime, waiting) -> None:
    arn, url, approval_id = waiting
    approver = Approver(runtime)
    token = approver.form_token(url)

    cross_site = approver.post(url, {"csrf": token, "decision": "apply"},
                               **{"Sec-Fetch-Site": "cross-site"})
    other_origin = approver.post(url, {"csrf": token, "decision": "apply"},
                                 Origin="https://evil.example")

    for page in (cross_site, other_origin):
        assert page.status_code == 403 and "another" in page.text
    assert_nothing_changed(runtime, arn, approval_id)


def test_a_form_token_of_another_approval_is_refused(runtime, waiting) -> None:
    arn, url, approval_id = waiting
    approver = Approver(runtime)
    approver.open(url)
    nonce = approver.client.get_cookie(links.CSRF_COOKIE).value
    other = links.form_token("apv-11111111111111111111", nonce)

    page = approver.post(url, {"csrf": other, "decision": "apply"})

    assert page.status_code == 403 and "another approval" in page.text
    assert_nothing_changed(runtime, arn, approval_id)


def test_unknown_paths_get_a_plain_page(runtime) -> None:
    page = Approver(runtime).client.get("/approvals/nothing/here")
    assert page.status_code == 404 and "Open the link from your e-mail" in page.text
