"""Approvals under duplicates, races, injected faults and garbage: a decision is taken once,
a failure changes nothing, and no input makes the page fail."""

from __future__ import annotations

import random
import string
import threading

from werkzeug.test import Client

from tasks.common.errors import ServiceThrottled, ServiceUnavailable
from tasks.profile_apply.links import CSRF_COOKIE
from tests.operator import invoke_action
from tests.workflow.profile_apply_flow import (
    APPROVER,
    Approver,
    approval_emails,
    approval_id_in,
    approval_record,
    decisions,
    links_in,
    path_of,
    request_record,
    start_change,
    status_of,
    wait_for_approval_email,
)


def test_the_same_form_posted_twice_at_once_decides_once(runtime) -> None:
    # GIVEN the approver's page, and its form sent twice at the same moment (a double click)
    arn = start_change(runtime)
    url = links_in(wait_for_approval_email(runtime))["apply"]
    approver = Approver(runtime)
    token = approver.form_token(url)
    nonce = approver.client.get_cookie(CSRF_COOKIE).value
    start, statuses = threading.Barrier(4), []

    def post() -> None:
        client = Client(runtime.mounts["/approvals"], use_cookies=False)
        start.wait()
        answer = client.post(path_of(url), data={"csrf": token, "decision": "apply"},
                             headers={"Cookie": f"{CSRF_COOKIE}={nonce}"})
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # THEN one post decided, the others were told it was decided, and one decision stands
    assert sorted(statuses) == [200, 409, 409, 409]
    assert runtime.wait_for(arn)["status"] == "SUCCEEDED"
    assert len(decisions(runtime)) == 1


def test_the_same_approval_decided_at_once_from_four_terminals_decides_once(runtime) -> None:
    # GIVEN four concurrent calls deciding the same approval through the action Lambda
    arn = start_change(runtime)
    approval_id = approval_id_in(wait_for_approval_email(runtime))
    start, answers = threading.Barrier(4), []

    def mark_applied(number: int) -> None:
        start.wait()
        answers.append(invoke_action(runtime, {
            "action": "mark_business_profile_applied", "channel": "cli",
            "approvalId": approval_id, "approver": APPROVER, "comment": f"terminal {number}",
        }))

    threads = [threading.Thread(target=mark_applied, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # THEN exactly one call decided; the others were refused; one decision is recorded
    assert sorted(a["ok"] for a in answers) == [False, False, False, True]
    refusals = {a["error"] for a in answers if not a["ok"]}
    assert refusals <= {"ApprovalAlreadyUsed", "ApprovalClosed"}
    assert runtime.wait_for(arn)["status"] == "SUCCEEDED"
    [decision] = decisions(runtime)
    assert approval_record(runtime, approval_id)["note"] == decision["comment"]


def test_a_throttled_approval_request_is_retried_and_e_mails_once(runtime) -> None:
    # GIVEN SES-like throttling on the first try of the approval step
    runtime.functions.inject_fault("wecare-profile-apply-request-approval",
                                   ServiceThrottled("SES throttled the call"))
    arn = start_change(runtime)

    # THEN the retry asks the approver once, and the change can be applied
    email = wait_for_approval_email(runtime)
    calls = [name for name, _ in runtime.functions.invocations
             if name == "wecare-profile-apply-request-approval"]
    assert len(calls) == 2 and len(approval_emails(runtime)) == 1
    Approver(runtime).decide(links_in(email)["apply"], "apply")
    assert runtime.wait_for(arn)["status"] == "SUCCEEDED"


def test_a_failing_approval_page_changes_nothing_and_the_next_try_works(runtime) -> None:
    # GIVEN the approval function fails once when the approver posts
    arn = start_change(runtime)
    email = wait_for_approval_email(runtime)
    url = links_in(email)["apply"]
    approver = Approver(runtime)
    token = approver.form_token(url)
    runtime.functions.inject_fault("wecare-approval-api", ServiceUnavailable("DynamoDB 500"))

    failed = approver.post(url, {"csrf": token, "decision": "apply"})

    # THEN that post changed nothing, and posting again decides
    assert failed.status_code == 502
    assert approval_record(runtime, approval_id_in(email))["status"] == "PENDING"
    assert status_of(runtime, arn) == "RUNNING"
    assert approver.post(url, {"csrf": token, "decision": "apply"}).status_code == 200
    assert runtime.wait_for(arn)["status"] == "SUCCEEDED"


def test_a_throttled_outcome_record_is_retried(runtime) -> None:
    arn = start_change(runtime)
    email = wait_for_approval_email(runtime)
    runtime.functions.inject_fault("wecare-profile-apply-record-outcome",
                                   ServiceThrottled("DynamoDB throttled"))

    Approver(runtime).decide(links_in(email)["apply"], "apply")

    assert runtime.wait_for(arn)["status"] == "SUCCEEDED"
    assert request_record(runtime, 1)["status"] == "APPLIED"


def test_garbage_links_get_a_page_never_an_error(runtime) -> None:
    # GIVEN a waiting change, and links made of random characters or cut at random places
    arn = start_change(runtime)
    email = wait_for_approval_email(runtime)
    url = links_in(email)["apply"]
    token = url.rsplit("/", 1)[1]
    rng = random.Random(3)
    alphabet = string.ascii_letters + string.digits + "-_.~%"
    garbage = ["".join(rng.choices(alphabet, k=rng.randint(1, 120))) for _ in range(20)]
    garbage += [token[: rng.randint(0, len(token) - 1)] for _ in range(10)]
    client = Client(runtime.mounts["/approvals"])

    # THEN each GET and POST answers with a page (400, 404 or 410), and nothing changes
    for value in garbage:
        for answer in (client.get(f"/approvals/a/{value}"),
                       client.post(f"/approvals/a/{value}", data={"decision": "apply"})):
            assert answer.status_code in (400, 404, 405, 410), (value, answer.status_code)
            assert "<h1>" in answer.text
    assert approval_record(runtime, approval_id_in(email))["status"] == "PENDING"
    assert status_of(runtime, arn) == "RUNNING"
