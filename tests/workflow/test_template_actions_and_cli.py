"""The runbook's template actions and the ``wecare-flows templates`` command, as an
operator runs them against the embedded runtime."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.operator import invoke_action, wecare_flows
from tests.workflow.template_flow import (
    META_WABA,
    RUNBOOK_PAYLOAD,
    WABA,
    output,
    plan,
    run,
    stand_in,
    submission,
)
from workflows.cli.errors import ExitCode
from workflows.local.runtime import LocalRuntime


def test_the_runbook_create_payload_is_answered_with_what_to_add(runtime: LocalRuntime) -> None:
    # WHEN the runbook's eum_create_template payload, which has no examples, is sent
    answer = invoke_action(runtime, RUNBOOK_PAYLOAD)

    # THEN it is refused before any workflow starts, saying exactly what to add
    assert answer["ok"] is False
    assert answer["error"] == "TemplateInvalid"
    assert '"example": {"body_text": [["example for {{1}}", "example for {{2}}"]]}' in (
        answer["message"])
    sfn = runtime.client("stepfunctions")
    arn = runtime.state_machine_arns["template-submission"]
    assert sfn.list_executions(stateMachineArn=arn)["executions"] == []


def test_a_valid_create_payload_starts_the_submission(runtime: LocalRuntime) -> None:
    # GIVEN the runbook's payload with its example values added
    plan(runtime, verdict="APPROVED", after_seconds=60)
    payload = {**RUNBOOK_PAYLOAD,
               "components": [{**RUNBOOK_PAYLOAD["components"][0],
                               "example": {"body_text": [["ORD-1042", "Rs 499"]]}}]}

    # WHEN it is sent
    answer = invoke_action(runtime, payload)

    # THEN the action answers with the execution, which ends with the template approved
    assert answer["ok"] is True
    assert (answer["workflow"], answer["tenantId"]) == ("template-submission", "wecare-digital")
    assert answer["warnings"] == ["BODY: the text ends with a variable; Meta may reject it as "
                                  "INVALID_FORMAT, so consider ending with a word or a full stop"]
    result = runtime.wait_for(answer["executionArn"], timeout=60)
    assert output(result)["templateStatus"] == "APPROVED"


def test_the_create_action_refuses_an_unknown_tenant(runtime: LocalRuntime) -> None:
    answer = invoke_action(
        runtime, {**submission(metaWabaId="999"), "action": "eum_create_template"})
    assert (answer["ok"], answer["error"]) == (False, "UnknownTenant")


def test_the_runbook_sync_payload_starts_a_sync_of_that_waba(runtime: LocalRuntime) -> None:
    stand_in(runtime).seed_template(WABA, "order_update")
    answer = invoke_action(runtime, {"action": "eum_sync_templates", "metaWabaId": META_WABA})
    assert (answer["ok"], answer["workflow"], answer["tenants"]) == (
        True, "template-sync", ["wecare-digital"])
    result = runtime.wait_for(answer["executionArn"], timeout=60)
    assert output(result)["templates"] == 1
    listed = {a["action"] for a in invoke_action(runtime, {"action": "list_actions"})["actions"]}
    assert {"eum_create_template", "eum_sync_templates"} <= listed


def test_templates_lists_the_cache_by_status_and_tenant(
    capsys: pytest.CaptureFixture[str], endpoint: str, runtime: LocalRuntime
) -> None:
    # GIVEN a synced cache: two approved templates and one rejected
    api = stand_in(runtime)
    api.seed_template(WABA, "order_update")
    api.seed_template(WABA, "trip_reminder", language="hi")
    api.seed_template(WABA, "flash_sale", category="MARKETING", status="REJECTED")
    assert run(runtime, "template-sync", {})["status"] == "SUCCEEDED"

    # WHEN the operator lists the approved ones of the tenant, by its Meta WABA id
    code, out, err = wecare_flows(capsys, endpoint, "templates", "--status", "approved",
                                  "--tenant", META_WABA)

    # THEN exactly those are shown, with their language, status and quality
    assert code == ExitCode.OK, err
    rows = out.splitlines()
    assert rows[0].split()[:5] == ["TENANT", "TEMPLATE", "LANGUAGE", "CATEGORY", "STATUS"]
    assert [row.split()[1:5] for row in rows[1:3]] == [
        ["order_update", "en_US", "UTILITY", "APPROVED"],
        ["trip_reminder", "hi", "UTILITY", "APPROVED"]]
    assert rows[-1] == "2 template(s)"
    # AND without --status every cached template is listed, as JSON if asked
    code, out, _ = wecare_flows(capsys, endpoint, "templates", "--json")
    assert sorted(i["templateName"] for i in json.loads(out)) == [
        "flash_sale", "order_update", "trip_reminder"]


def test_templates_explains_an_empty_cache_and_an_unknown_tenant(
    capsys: pytest.CaptureFixture[str], endpoint: str
) -> None:
    code, out, _ = wecare_flows(capsys, endpoint, "templates", "--status", "PAUSED")
    assert code == ExitCode.OK
    assert "no cached templates with status PAUSED" in out
    code, _, err = wecare_flows(capsys, endpoint, "templates", "--tenant", "nobody")
    assert code == ExitCode.NOT_FOUND
    assert err.startswith("error: unknown tenant 'nobody'")


def test_start_template_submission_from_a_file(
    capsys: pytest.CaptureFixture[str], endpoint: str, runtime: LocalRuntime, tmp_path: Path
) -> None:
    # GIVEN a template JSON file, as an operator writes one
    template_file = tmp_path / "template.json"
    template_file.write_text(json.dumps(submission()))
    plan(runtime, verdict="APPROVED", after_seconds=60)

    # WHEN it is submitted with the CLI
    code, out, err = wecare_flows(capsys, endpoint, "start", "template-submission",
                                  "--input", f"@{template_file}")

    # THEN the CLI prints the execution ARN, and the execution ends approved
    assert code == ExitCode.OK, err
    arn = out.strip()
    assert arn.startswith("arn:aws:states:ap-south-1:123456789012:execution:template-submission:")
    assert runtime.wait_for(arn, timeout=60)["status"] == "SUCCEEDED"
