"""The runbook's section-1 payloads still do the right thing, and the approval commands of
the CLI decide with the same checks as the page."""

from __future__ import annotations

import json

from tests.operator import invoke_action, wecare_flows
from tests.workflow.profile_apply_flow import (
    APPROVER,
    PHONE,
    TENANT,
    approval_id_in,
    approval_record,
    decisions,
    request_record,
    start_change,
    status_of,
    wait_for_approval_email,
)
from workflows.cli.errors import ExitCode

# -- the runbook's aws lambda invoke lines ------------------------------------------------------


def test_runbook_section_1_start_read_instructions_and_mark_applied(runtime) -> None:
    # GIVEN step 1 of the runbook: store the profile (now: start the workflow)
    started = invoke_action(runtime, {"action": "update_business_profile", "tenantId": TENANT,
                                      "phoneNumberId": PHONE, "about": "Your about text",
                                      "description": "Your description"})
    assert started["ok"] and started["workflow"] == "profile-apply"
    arn = started["executionArn"]
    wait_for_approval_email(runtime)

    # WHEN step 2 asks for the apply instructions
    instructions = invoke_action(runtime, {"action": "get_business_profile_apply_instructions",
                                           "tenantId": TENANT, "phoneNumberId": PHONE})

    # THEN they hold the field-by-field diff, the console steps and the open approval
    assert instructions["ok"] and instructions["status"] == "PENDING_APPLY"
    assert [c["field"] for c in instructions["diff"]] == ["about", "description"]
    assert any("End User Messaging Social" in step for step in instructions["steps"])
    assert instructions["approvals"][0]["approver"] == APPROVER
    assert instructions["approvals"][0]["status"] == "PENDING"

    # WHEN step 4 marks it applied with the runbook's own fields
    marked = invoke_action(runtime, {"action": "mark_business_profile_applied", "tenantId": TENANT,
                                     "phoneNumberId": PHONE})

    # THEN the decision is recorded and the workflow completes
    assert marked["ok"] and marked["decision"] == "APPLIED" and marked["settled"]
    assert runtime.wait_for(arn)["status"] == "SUCCEEDED"
    [decision] = decisions(runtime)
    assert decision["channel"] == "action" and decision["sourceAddress"].startswith("lambda:")
    assert request_record(runtime, 1)["status"] == "APPLIED"


def test_runbook_names_the_tenant_by_meta_waba_id(runtime) -> None:
    started = invoke_action(runtime, {"action": "update_business_profile",
                                      "tenantId": "1347766229904230", "about": "Hello"})
    assert started["ok"] and started["tenantId"] == TENANT
    wait_for_approval_email(runtime)
    assert request_record(runtime, 1)["phoneNumberId"] == PHONE


def test_an_invalid_profile_is_refused_before_any_execution_starts(runtime) -> None:
    answer = invoke_action(runtime, {"action": "update_business_profile", "tenantId": TENANT,
                                     "about": ""})
    assert answer == {"ok": False, "error": "InvalidProfile",
                      "message": "about has 0 characters; WhatsApp allows 1 to 139"}
    sfn = runtime.client("stepfunctions")
    executions = sfn.list_executions(stateMachineArn=runtime.state_machine_arns["profile-apply"])
    assert executions["executions"] == []


def test_no_action_answer_carries_the_task_token(runtime) -> None:
    arn = start_change(runtime)
    approval_id = approval_id_in(wait_for_approval_email(runtime))
    token = request_record(runtime, 1)["taskToken"]

    payloads = [
        {"action": "get_business_profile_apply_instructions", "tenantId": TENANT},
        {"action": "list_business_profile_approvals", "tenantId": TENANT},
        {"action": "mark_business_profile_applied", "approvalId": approval_id,
         "approver": APPROVER},
        {"action": "list_business_profile_decisions", "tenantId": TENANT},
    ]
    answers = [invoke_action(runtime, payload) for payload in payloads]
    runtime.wait_for(arn)
    for answer in answers:
        assert answer["ok"], answer
        assert token not in json.dumps(answer) and "taskToken" not in json.dumps(answer)


def test_mark_applied_by_someone_not_the_approver_is_refused(runtime) -> None:
    arn = start_change(runtime)
    approval_id = approval_id_in(wait_for_approval_email(runtime))

    answer = invoke_action(runtime, {"action": "mark_business_profile_applied",
                                     "approvalId": approval_id, "approver": "intruder@example.com"})

    assert answer["ok"] is False and answer["error"] == "NotTheApprover"
    assert approval_record(runtime, approval_id)["status"] == "PENDING"
    assert status_of(runtime, arn) == "RUNNING"


def test_instructions_without_any_request_say_so(runtime) -> None:
    answer = invoke_action(runtime, {"action": "get_business_profile_apply_instructions",
                                     "tenantId": "manish-agarwal"})
    assert answer["ok"] is False and answer["error"] == "NoProfileRequest"


# -- wecare-flows approvals / approve / reject / audit -----------------------------------------


def test_cli_lists_approves_and_audits(capsys, endpoint, runtime) -> None:
    # GIVEN a waiting change
    arn = start_change(runtime)
    approval_id = approval_id_in(wait_for_approval_email(runtime))

    # WHEN the approver lists the approvals and approves at the terminal
    code, listing, err = wecare_flows(capsys, endpoint, "approvals", "--tenant", TENANT)
    assert code == ExitCode.OK, err
    assert approval_id in listing and "PENDING" in listing

    code, out, err = wecare_flows(capsys, endpoint, "approve", approval_id,
                                  "--comment", "applied from a terminal", "--as", APPROVER)

    # THEN it is marked applied, as on the page, and the audit shows who, how and from where
    assert code == ExitCode.OK, err
    assert f"version 1 of {TENANT} marked applied by {APPROVER}" in out
    assert runtime.wait_for(arn)["status"] == "SUCCEEDED"
    code, audit, _ = wecare_flows(capsys, endpoint, "audit", "--tenant", TENANT)
    assert "APPLIED" in audit and "via cli" in audit and "applied from a terminal" in audit
    assert arn in audit

    # AND the execution's history shows the decision
    code, history, _ = wecare_flows(capsys, endpoint, "history", arn)
    assert code == ExitCode.OK and APPROVER in history and "applied from a terminal" in history


def test_cli_reject_needs_a_reason_and_fails_the_execution(capsys, endpoint, runtime) -> None:
    arn = start_change(runtime)
    approval_id = approval_id_in(wait_for_approval_email(runtime))

    code, _, err = wecare_flows(capsys, endpoint, "reject", approval_id, "--reason", " ",
                                "--as", APPROVER)
    assert code == ExitCode.BAD_INPUT and "--reason" in err

    code, out, err = wecare_flows(capsys, endpoint, "reject", approval_id,
                                  "--reason", "Address is wrong", "--as", APPROVER)
    assert code == ExitCode.OK, err
    assert "rejected by" in out
    described = runtime.wait_for(arn)
    assert described["error"] == "ProfileChangeRejected"
    assert "Address is wrong" in described["cause"]


def test_cli_refusals_are_one_line_with_their_own_exit_codes(capsys, endpoint, runtime) -> None:
    start_change(runtime)
    approval_id = approval_id_in(wait_for_approval_email(runtime))

    code, _, err = wecare_flows(capsys, endpoint, "approve", approval_id)
    assert code == ExitCode.BAD_INPUT and "--as EMAIL" in err

    code, _, err = wecare_flows(capsys, endpoint, "approve", approval_id,
                                "--as", "manish@wecare.digital")
    assert code == ExitCode.BAD_INPUT and err.startswith("error: NotTheApprover:")

    code, _, err = wecare_flows(capsys, endpoint, "approve", "apv-00000000000000000000",
                                "--as", APPROVER)
    assert code == ExitCode.NOT_FOUND and "ApprovalNotFound" in err

    assert wecare_flows(capsys, endpoint, "approve", approval_id, "--as", APPROVER)[0] == 0
    code, _, err = wecare_flows(capsys, endpoint, "approve", approval_id, "--as", APPROVER)
    assert code == ExitCode.BAD_INPUT and "ApprovalAlreadyUsed" in err
    assert len(err.strip().splitlines()) == 1


def test_links_in_e_mails_point_at_the_running_endpoint(endpoint, runtime) -> None:
    start_change(runtime)
    email = wait_for_approval_email(runtime)
    assert f"{endpoint}/approvals/a/" in email.body
