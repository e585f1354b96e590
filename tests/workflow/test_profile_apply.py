"""The profile-apply workflow on the embedded runtime, path by path: applied, rejected,
expired (after a reminder), superseded, and refused as invalid."""

from __future__ import annotations

import json

from tests.waiting import wait_until
from tests.workflow.profile_apply_flow import (
    APPROVER,
    OPS,
    PHONE,
    TENANT,
    Approver,
    approval_emails,
    approval_id_in,
    approval_record,
    decisions,
    history_text,
    links_in,
    profile_items,
    request_record,
    start_change,
    status_of,
    wait_for_approval_email,
)
from workflows.local.execution_status_events import execution_status_events
from workflows.local.runtime import LocalRuntime


def test_applied_change_succeeds_and_records_who_when_and_the_comment(runtime) -> None:
    # GIVEN a profile change waiting for its approver
    arn = start_change(runtime)
    email = wait_for_approval_email(runtime)
    record = request_record(runtime, 1)
    assert record["status"] == "PENDING_APPLY"

    # WHEN the approver opens the link and marks it applied
    page = Approver(runtime).decide(links_in(email)["apply"], "apply", "Saved in the console")

    # THEN the page confirms, the execution succeeds, and everything is recorded
    assert page.status_code == 200 and "Marked applied" in page.text
    described = runtime.wait_for(arn)
    assert described["status"] == "SUCCEEDED"
    output = json.loads(described["output"])
    assert output["status"] == "APPLIED" and output["version"] == 1
    assert output["decidedBy"] == APPROVER and output["comment"] == "Saved in the console"

    record = request_record(runtime, 1)
    assert record["status"] == "APPLIED" and record["decidedBy"] == APPROVER
    assert record["comment"] == "Saved in the console" and record["closedAt"]
    approval = approval_record(runtime, approval_id_in(email))
    assert approval["status"] == "APPROVED" and approval["sourceAddress"] == "127.0.0.1"
    [decision] = decisions(runtime)
    assert decision["decision"] == "APPLIED" and decision["approver"] == APPROVER
    assert decision["executionArn"] == arn and decision["phoneNumberId"] == PHONE
    assert decision["channel"] == "link" and decision["comment"] == "Saved in the console"

    [notice] = runtime.outbox.find("was applied")
    assert OPS in notice.to and APPROVER in notice.to
    assert "Saved in the console" in notice.body


def test_history_shows_the_decision_and_never_the_task_token(runtime) -> None:
    # GIVEN a change applied through its link
    arn = start_change(runtime)
    email = wait_for_approval_email(runtime)
    token = request_record(runtime, 1)["taskToken"]
    page = Approver(runtime).decide(links_in(email)["apply"], "apply", "done")
    runtime.wait_for(arn)

    # THEN the wait's result in the history names the approver and the comment
    succeeded = [e for e in runtime.history(arn) if e["type"] == "TaskSucceeded"]
    [decision] = [json.loads(e["taskSucceededEventDetails"]["output"]) for e in succeeded]
    assert decision["decision"] == "APPLIED" and decision["appliedBy"] == APPROVER
    assert decision["approvals"][0]["sourceAddress"] == "127.0.0.1"
    # AND the token is in no e-mail, page, or output a person reads
    for email in runtime.outbox.messages():
        assert token not in email.body
    assert token not in page.text
    assert token not in runtime.wait_for(arn)["output"]



def test_a_change_stopped_by_hand_ends_aborted_and_its_history_says_so(runtime) -> None:
    # GIVEN a change waiting for its approver
    arn = start_change(runtime)
    wait_for_approval_email(runtime)
    wait_until(lambda: any(e["type"] == "TaskSubmitted" for e in runtime.history(arn)),
               "the approval wait")

    # WHEN an operator stops the execution
    runtime.client("stepfunctions").stop_execution(
        executionArn=arn, error="StoppedByOperator", cause="wrong text"
    )

    # THEN it ends ABORTED at once, and its history ends with the stop, as on AWS
    assert runtime.wait_for(arn, timeout=10)["status"] == "ABORTED"
    history = runtime.history(arn)
    waited = max(i for i, e in enumerate(history) if e["type"] == "TaskSubmitted")
    assert [e["type"] for e in history[waited + 1:]] == ["ExecutionAborted"]
    assert history[-1]["executionAbortedEventDetails"] == {
        "error": "StoppedByOperator", "cause": "wrong text"}

def test_second_change_lists_only_the_fields_that_differ_from_the_applied_profile(
    runtime,
) -> None:
    # GIVEN version 1 applied
    first = start_change(runtime)
    Approver(runtime).decide(links_in(wait_for_approval_email(runtime))["apply"], "apply")
    assert runtime.wait_for(first)["status"] == "SUCCEEDED"

    # WHEN version 2 changes one field and repeats another unchanged
    start_change(runtime, about="Trips made simpler", description=None)
    email = wait_for_approval_email(runtime, version=2)

    # THEN the diff has the changed field only, with the applied value beside the new one
    diff = request_record(runtime, 2)["diff"]
    assert [change["field"] for change in diff] == ["about"]
    assert diff[0]["applied"] == "Trips made simple"
    assert "Trips made simple" in email.body and "Trips made simpler" in email.body


def test_rejection_fails_the_execution_with_its_own_error_and_records_the_reason(
    runtime,
) -> None:
    # GIVEN a waiting change
    arn = start_change(runtime)
    email = wait_for_approval_email(runtime)

    # WHEN the approver rejects it with a reason
    page = Approver(runtime).decide(links_in(email)["reject"], "reject", "Wrong address")

    # THEN the execution fails with ProfileChangeRejected, not a success saying "rejected"
    assert page.status_code == 200 and "Rejected" in page.text
    described = runtime.wait_for(arn)
    assert described["status"] == "FAILED"
    assert described["error"] == "ProfileChangeRejected"
    assert "Wrong address" in described["cause"]
    failed = [e for e in runtime.history(arn) if e["type"] == "TaskFailed"]
    assert failed[0]["taskFailedEventDetails"]["error"] == "ProfileChangeRejected"

    record = request_record(runtime, 1)
    assert record["status"] == "REJECTED" and record["reason"] == "Wrong address"
    assert approval_record(runtime, approval_id_in(email))["status"] == "REJECTED"
    [notice] = runtime.outbox.find("was rejected")
    assert OPS in notice.to and "Wrong address" in notice.body


def test_rejection_without_a_reason_is_refused_and_changes_nothing(runtime) -> None:
    arn = start_change(runtime)
    url = links_in(wait_for_approval_email(runtime))["reject"]

    page = Approver(runtime).decide(url, "reject", "   ")

    assert page.status_code == 400 and "A rejection needs a reason" in page.text
    assert request_record(runtime, 1)["status"] == "PENDING_APPLY"
    assert decisions(runtime) == [] and status_of(runtime, arn) == "RUNNING"


def test_no_decision_sends_one_reminder_then_expires_and_tells_the_operator(runtime) -> None:
    # GIVEN a change whose deadline is 700 s (0.7 s at this time scale), reminder at 600 s
    arn = start_change(runtime, approvalTimeoutSeconds=700)
    email = wait_for_approval_email(runtime)

    # WHEN nobody decides
    described = runtime.wait_for(arn)

    # THEN one reminder went to the approver before the deadline, then the request expired
    [reminder] = runtime.outbox.find("[WECARE] Reminder")
    assert reminder.to == (APPROVER,) and approval_id_in(reminder) == approval_id_in(email)
    assert described["status"] == "FAILED" and described["error"] == "ApprovalExpired"
    assert request_record(runtime, 1)["status"] == "EXPIRED"
    assert approval_record(runtime, approval_id_in(email))["status"] == "EXPIRED"
    [notice] = runtime.outbox.find("expired without a decision")
    assert OPS in notice.to
    entered = [e["stateEnteredEventDetails"]["name"] for e in runtime.history(arn)
               if e["type"].endswith("StateEntered")]
    assert entered[entered.index("RequestApproval"):entered.index("RecordExpired") + 1] == [
        "RequestApproval", "RemindApprovers", "RecordExpired"]
    # AND the link now says so, and changes nothing
    page = Approver(runtime).open(links_in(email)["apply"])
    assert page.status_code == 410 and "expired" in page.text


def test_a_decision_after_the_reminder_still_reaches_the_execution(runtime) -> None:
    # GIVEN a one-day deadline whose reminder goes after 400 s (0.4 s here)
    arn = start_change(runtime, approvalTimeoutSeconds=86400, reminderBeforeSeconds=86000)
    email = wait_for_approval_email(runtime)
    wait_until(lambda: runtime.outbox.find("[WECARE] Reminder"), "the reminder")

    # WHEN the approver marks it applied from the first e-mail's link
    page = Approver(runtime).decide(links_in(email)["apply"], "apply", "late but done")

    # THEN the new task token carried it: the execution succeeds
    assert page.status_code == 200
    assert runtime.wait_for(arn)["status"] == "SUCCEEDED"
    assert request_record(runtime, 1)["status"] == "APPLIED"


def test_newer_change_supersedes_the_waiting_one_and_its_links_stop_working(runtime) -> None:
    # GIVEN version 1 waiting for its approver
    first = start_change(runtime)
    old_email = wait_for_approval_email(runtime, version=1)

    # WHEN version 2 of the same phone number is requested
    second = start_change(runtime, about="Even simpler trips")
    new_email = wait_for_approval_email(runtime, version=2)

    # THEN version 1 ends SUPERSEDED, and its link shows that and changes nothing
    described = runtime.wait_for(first)
    assert described["status"] == "FAILED" and described["error"] == "ProfileChangeSuperseded"
    old = request_record(runtime, 1)
    assert old["status"] == "SUPERSEDED" and old["supersededBy"] == 2
    assert approval_record(runtime, approval_id_in(old_email))["status"] == "SUPERSEDED"
    approver = Approver(runtime)
    page = approver.open(links_in(old_email)["apply"])
    assert page.status_code == 410 and "A newer change replaced this one" in page.text
    assert runtime.outbox.find("v1 for WECARE-DIGITAL was superseded")

    # AND version 2 goes on as usual
    approver.decide(links_in(new_email)["apply"], "apply")
    assert runtime.wait_for(second)["status"] == "SUCCEEDED"
    assert request_record(runtime, 2)["status"] == "APPLIED"


def test_invalid_profile_fails_at_once_naming_each_field_and_limit(runtime) -> None:
    # GIVEN a request breaking four of WhatsApp's limits
    arn = start_change(
        runtime,
        about="x" * 140,
        websites=["https://wecare.digital", "ftp://files.wecare.digital", "https://a.example"],
        vertical="SPACE_TRAVEL",
        email="not-an-address",
    )

    # THEN the execution fails with InvalidProfile naming each field and its limit
    described = runtime.wait_for(arn)
    assert described["status"] == "FAILED" and described["error"] == "InvalidProfile"
    cause = described["cause"]
    assert "about has 140 characters; WhatsApp allows 1 to 139" in cause
    assert "websites has 3 entries; WhatsApp allows at most 2" in cause
    assert "vertical 'SPACE_TRAVEL' is not one of Meta's verticals" in cause
    assert "email 'not-an-address' is not an e-mail address" in cause
    # AND nothing was stored or sent
    assert profile_items(runtime) == []
    assert approval_emails(runtime) == []


def test_a_description_over_512_characters_is_refused(runtime) -> None:
    arn = start_change(runtime, description="d" * 513)
    described = runtime.wait_for(arn)
    assert described["error"] == "InvalidProfile"
    assert described["cause"] == "description has 513 characters; WhatsApp allows at most 512"


def test_an_unknown_tenant_fails_at_once(runtime: LocalRuntime) -> None:
    arn = runtime.start_execution("profile-apply", {"tenantId": "nobody", "about": "Hi"})
    described = runtime.wait_for(arn)
    assert described["status"] == "FAILED" and described["error"] == "UnknownTenant"
    assert "'nobody' is neither a tenant id nor a Meta WABA id" in described["cause"]
    assert "StoreDesiredProfile" not in history_text(runtime, arn)


def test_tenant_named_by_meta_waba_id_gets_its_phone_number_and_approver(runtime) -> None:
    arn = runtime.start_execution("profile-apply", {"metaWabaId": "1347766229904230",
                                                    "about": "Hello"})
    wait_for_approval_email(runtime)
    record = request_record(runtime, 1)
    assert record["tenantId"] == TENANT and record["phoneNumberId"] == PHONE
    assert status_of(runtime, arn) == "RUNNING"


def test_a_stopped_change_closes_its_request_and_its_links(runtime) -> None:
    # GIVEN a change waiting for its approver, who has the link
    arn = start_change(runtime)
    email = wait_for_approval_email(runtime)
    approval_id = approval_id_in(email)

    # WHEN an operator stops the execution
    runtime.client("stepfunctions").stop_execution(
        executionArn=arn, error="StoppedByOperator", cause="wrong text"
    )

    # THEN the request is closed as STOPPED with the operator's reason, its approval too
    stopped = wait_until(lambda: request_record(runtime, 1)["status"] == "STOPPED"
                         and request_record(runtime, 1), "the request to close")
    assert (stopped["error"], stopped["cause"]) == ("StoppedByOperator", "wrong text")
    # (the approvals are closed right after the request)
    wait_until(lambda: approval_record(runtime, approval_id)["status"] == "CLOSED",
               "the approval to close")
    # AND the approver's link says the change no longer waits, and changes nothing
    page = Approver(runtime).open(links_in(email)["apply"])
    assert page.status_code == 410 and "no longer waiting for a decision" in page.text
    assert "ended STOPPED (StoppedByOperator: wrong text)" in page.text
    assert decisions(runtime) == []


def test_a_change_recorded_by_the_workflow_is_left_as_it_is(runtime) -> None:
    # GIVEN a change rejected through its link: the workflow recorded REJECTED
    arn = start_change(runtime)
    email = wait_for_approval_email(runtime)
    Approver(runtime).decide(links_in(email)["reject"], "reject", "not now")
    assert runtime.wait_for(arn)["status"] == "FAILED"

    # THEN the FAILED execution's status event finds the request closed and leaves it
    [(_, event, answer)] = wait_until(
        lambda: execution_status_events(runtime).delivered, "the status event")
    assert event["detail"]["status"] == "FAILED" and event["detail"]["executionArn"] == arn
    assert answer == {"closed": False, "status": "REJECTED",
                      "reason": "the workflow had already recorded how the request ended"}
    assert request_record(runtime, 1)["status"] == "REJECTED"


def test_an_execution_that_stored_no_request_has_nothing_to_close(runtime) -> None:
    # GIVEN a change refused before anything was stored (an unknown tenant)
    arn = start_change(runtime, tenantId="nobody")
    assert runtime.wait_for(arn)["status"] == "FAILED"

    # THEN its status event is answered: no request to close
    [(_, _, answer)] = wait_until(
        lambda: execution_status_events(runtime).delivered, "the status event")
    assert answer == {"closed": False, "reason": "the execution stored no request"}
