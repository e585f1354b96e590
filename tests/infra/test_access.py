"""Least privilege: each function holds the actions its code calls, on named resources,
and no access it does not use."""

from __future__ import annotations

import json
from importlib import resources as package_files

import pytest

from infra.access import ACTIONS, FUNCTION_ACCESS, Access, aws_resource_id
from infra.functions import FunctionSpec
from tests.infra import cfn
from tests.infra.conftest import Assembly
from tests.infra.handler_calls import actions_needed
from workflows import catalog

pytestmark = pytest.mark.infra

SPECS = [
    *(task for workflow in catalog.WORKFLOWS for task in workflow.tasks),
    *catalog.SERVICE_FUNCTIONS,
]

# The code reading of tests/infra/handler_calls.py over-approximates through imports.
# Actions it finds that the handler never reaches, and why:
NOT_REACHED: dict[str, dict[str, str]] = {
    "base-wecare-digital-whatsapp": {
        "secretsmanager:GetSecretValue": "imports deadline_text from profile_apply.emails "
        "only; an approver deciding through the action needs no signed link",
    },
    "wecare-profile-apply-notify-outcome": {
        "secretsmanager:GetSecretValue": "the outcome e-mail carries no signed link",
    },
    "wecare-template-submission-create-template": {
        "states:SendTaskSuccess": "imports verdicts to open the mailbox; never settles it",
        "states:SendTaskFailure": "imports verdicts to open the mailbox; never settles it",
    },
    "wecare-template-submission-await-verdict": {
        "social-messaging:CreateWhatsAppMessageTemplate": "reads templates only",
    },
    "wecare-template-submission-record-outcome": {
        "states:SendTaskSuccess": "imports the Verdict type only",
        "states:SendTaskFailure": "imports the Verdict type only",
    },
    "wecare-template-sync-list-templates-page": {
        "social-messaging:CreateWhatsAppMessageTemplate": "lists and reads templates only",
    },
}
# Rights a handler needs that its boto3 calls do not show, and why:
NOT_SEEN: dict[str, dict[Access, str]] = {
    "wecare-waba-events": {
        Access.WRITE_MEDIA: "GetWhatsAppMessageMedia writes the media into the bucket "
        "with the caller's rights (destinationS3File)",
    },
}
WILDCARD_ACTIONS = {  # actions that take no resource-level permission
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "states:SendTaskSuccess",
    "states:SendTaskFailure",
    "states:SendTaskHeartbeat",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}


def _granted_actions(synthesized: Assembly, function_name: str) -> set[str]:
    _, function = cfn.function(synthesized.template, function_name)
    role_id = cfn.referenced_id(function["Properties"]["Role"])
    return cfn.actions_of(cfn.role_statements(synthesized.template, role_id))


def test_every_function_of_the_catalog_has_its_access_listed() -> None:
    names = {spec.function_name for spec in SPECS}
    assert names - FUNCTION_ACCESS.keys() == set()


def test_every_access_has_actions() -> None:
    assert set(ACTIONS) == set(Access)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.function_name)
def test_function_holds_every_action_its_code_calls(
    synthesized: Assembly, spec: FunctionSpec
) -> None:
    needed = actions_needed(spec.handler) - NOT_REACHED.get(spec.function_name, {}).keys()
    assert needed - _granted_actions(synthesized, spec.function_name) == set()


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.function_name)
def test_function_uses_every_access_it_holds(spec: FunctionSpec) -> None:
    needed = actions_needed(spec.handler)
    unseen = NOT_SEEN.get(spec.function_name, {})
    unused = [
        access
        for access in FUNCTION_ACCESS.get(spec.function_name, ())
        if access not in unseen and not needed & set(ACTIONS[access])
    ]
    assert unused == []


def test_exceptions_name_real_functions_and_actions() -> None:
    for name, actions in NOT_REACHED.items():
        (spec,) = [s for s in SPECS if s.function_name == name]
        assert actions.keys() <= actions_needed(spec.handler), name
    assert NOT_SEEN.keys() <= {spec.function_name for spec in SPECS}


def test_every_action_is_a_real_iam_action() -> None:
    policies = json.loads(
        package_files.files("cfnlint.data.AdditionalSpecs").joinpath("Policies.json").read_text()
    )
    for access, actions in ACTIONS.items():
        for action in actions:
            service, name = action.split(":")
            assert name.lower() in policies[service]["Actions"], f"{access.name}: {action}"


def test_only_actions_without_resource_permissions_have_a_wildcard(synthesized: Assembly) -> None:
    for logical_id, policy in synthesized.resources("AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "*" in cfn.as_list(statement["Resource"]):
                extra = set(cfn.as_list(statement["Action"])) - WILDCARD_ACTIONS
                assert extra == set(), logical_id


def test_ses_send_is_limited_to_the_sender_identity(synthesized: Assembly) -> None:
    statements = [
        statement
        for policy in synthesized.resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "ses:SendEmail" in cfn.as_list(statement["Action"])
    ]
    assert statements
    for statement in statements:
        condition = statement["Condition"]["StringEquals"]["ses:FromAddress"]
        assert condition == "notifications@wecare.digital"
        assert all(cfn.mentions(r, ":identity/") for r in statement["Resource"])


def test_end_user_messaging_ids_become_arn_ids() -> None:
    assert aws_resource_id("waba-1a2b3c") == "1a2b3c"
    assert aws_resource_id("phone-number-id-0a1b2c") == "0a1b2c"
    assert aws_resource_id("0a1b2c") == "0a1b2c"
