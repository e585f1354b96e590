"""A tenant that needs two approvals: each approver has a link of their own, the change is
applied when both have approved, and one rejection ends it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest

from tests.conftest import TIME_SCALE
from tests.workflow.profile_apply_flow import (
    APPROVER,
    TENANT,
    Approver,
    approval_id_in,
    approval_record,
    links_in,
    request_record,
    start_change,
    status_of,
    wait_for_approval_email,
)
from workflows.local.runtime import LocalRuntime
from workflows.settings import load_settings

SECOND = "second.approver@wecare.digital"


@pytest.fixture
def runtime() -> Iterator[LocalRuntime]:
    """The runtime, with wecare-digital needing two approvals from two approvers."""
    settings = load_settings()
    tenants = tuple(
        dataclasses.replace(t, approvers=(APPROVER, SECOND), required_approvals=2)
        if t.tenant_id == TENANT else t
        for t in settings.tenants
    )
    with LocalRuntime(time_scale=TIME_SCALE, settings=dataclasses.replace(
        settings, tenants=tenants), log_level="WARNING") as local:
        yield local


def test_each_approver_gets_a_link_of_their_own(runtime) -> None:
    start_change(runtime)
    first, second = wait_for_approval_email(runtime), wait_for_approval_email(runtime, to=SECOND)
    assert first.to == (APPROVER,) and second.to == (SECOND,)
    assert approval_id_in(first) != approval_id_in(second)
    assert links_in(first)["apply"] != links_in(second)["apply"]
    assert "It needs 2 approvals" in first.body


def test_the_change_is_applied_when_both_have_approved(runtime) -> None:
    # GIVEN both approvers have their links
    arn = start_change(runtime)
    first, second = wait_for_approval_email(runtime), wait_for_approval_email(runtime, to=SECOND)

    # WHEN the first approves
    page = Approver(runtime).decide(links_in(first)["apply"], "apply", "looks right")

    # THEN the change still waits for the second
    assert page.status_code == 200 and "1 of 2 approvals received" in page.text
    assert status_of(runtime, arn) == "RUNNING"
    assert request_record(runtime, 1)["approvalsReceived"] == 1

    # WHEN the second approves too
    Approver(runtime).decide(links_in(second)["apply"], "apply", "applied it")

    # THEN it is applied, and the output names both approvals
    described = runtime.wait_for(arn)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["decidedBy"] == SECOND
    waited = [e for e in runtime.history(arn) if e["type"] == "TaskSucceeded"]
    decision = json.loads(waited[0]["taskSucceededEventDetails"]["output"])
    assert [a["approver"] for a in decision["approvals"]] == [APPROVER, SECOND]


def test_one_rejection_ends_it_and_closes_the_other_link(runtime) -> None:
    arn = start_change(runtime)
    first, second = wait_for_approval_email(runtime), wait_for_approval_email(runtime, to=SECOND)
    Approver(runtime).decide(links_in(first)["apply"], "apply")

    Approver(runtime).decide(links_in(second)["reject"], "reject", "Not this week")

    described = runtime.wait_for(arn)
    assert described["error"] == "ProfileChangeRejected"
    assert request_record(runtime, 1)["status"] == "REJECTED"
    assert approval_record(runtime, approval_id_in(first))["status"] == "APPROVED"
    assert approval_record(runtime, approval_id_in(second))["status"] == "REJECTED"


def test_a_decided_change_closes_the_links_nobody_used(runtime) -> None:
    # GIVEN the first approver rejected
    arn = start_change(runtime)
    first, second = wait_for_approval_email(runtime), wait_for_approval_email(runtime, to=SECOND)
    Approver(runtime).decide(links_in(first)["reject"], "reject", "No")
    runtime.wait_for(arn)

    # WHEN the second opens their link
    page = Approver(runtime).open(links_in(second)["apply"])

    # THEN it says the change was decided, and their approval is closed
    assert page.status_code == 409 and "This change was already decided" in page.text
    assert approval_record(runtime, approval_id_in(second))["status"] == "CLOSED"
