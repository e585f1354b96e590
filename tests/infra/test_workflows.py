"""The state machines come from ``asl/`` with every placeholder substituted, and their
roles may invoke exactly the functions (and services) their ASL calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Annotations, Match, Template

from infra.workflows import SubstitutedResource, WorkflowStateMachines, service_calls
from tests.infra import cfn
from tests.infra.conftest import Assembly, small_stack
from workflows import catalog
from workflows.catalog import RESOURCE_PLACEHOLDERS, Workflow

pytestmark = pytest.mark.infra

WORKFLOWS = catalog.WORKFLOWS


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_state_machine_type_logging_and_tracing(synthesized: Assembly, workflow: Workflow) -> None:
    _, machine = cfn.state_machine(synthesized.template, workflow.name)
    properties = machine["Properties"]
    assert properties["StateMachineType"] == workflow.type
    assert properties["TracingConfiguration"] == {"Enabled": True}
    logging = properties["LoggingConfiguration"]
    assert logging["Level"] == "ALL"
    (destination,) = logging["Destinations"]
    log_group_id = cfn.referenced_id(destination["CloudWatchLogsLogGroup"]["LogGroupArn"])
    log_group = synthesized.template["Resources"][log_group_id]["Properties"]
    assert log_group["LogGroupName"] == f"/aws/vendedlogs/states/{workflow.name}"
    assert log_group["RetentionInDays"] > 0


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_definition_is_the_asl_file_with_its_own_timeout(
    synthesized: Assembly, workflow: Workflow
) -> None:
    _, machine = cfn.state_machine(synthesized.template, workflow.name)
    deployed = json.loads(
        synthesized.asset(machine["Properties"]["DefinitionS3Location"]["Key"]).read_text()
    )
    assert deployed == workflow.definition()
    # CDK ignores a state machine's timeout for a definition file: the ASL carries it.
    assert deployed["TimeoutSeconds"] > 0


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_every_placeholder_is_substituted_and_every_task_function_exists(
    synthesized: Assembly, workflow: Workflow
) -> None:
    _, machine = cfn.state_machine(synthesized.template, workflow.name)
    substitutions = machine["Properties"]["DefinitionSubstitutions"]
    assert set(substitutions) == workflow.placeholders()
    for task in workflow.tasks:
        if task.placeholder not in substitutions:
            continue
        function_id, _ = cfn.function(synthesized.template, task.function_name)
        assert substitutions[task.placeholder] == cfn.arn_of(function_id)
    for placeholder in workflow.placeholders() & set(RESOURCE_PLACEHOLDERS):
        assert substitutions[placeholder], placeholder


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_role_invokes_exactly_the_functions_its_asl_names(
    synthesized: Assembly, workflow: Workflow
) -> None:
    _, machine = cfn.state_machine(synthesized.template, workflow.name)
    role_id = cfn.referenced_id(machine["Properties"]["RoleArn"])
    statements = cfn.role_statements(synthesized.template, role_id)
    invoked = cfn.resources_for(statements, "lambda:InvokeFunction")
    expected = [
        cfn.arn_of(cfn.function(synthesized.template, task.function_name)[0])
        for task in workflow.tasks
        if task.placeholder in workflow.placeholders()
    ]
    assert sorted(map(json.dumps, invoked)) == sorted(map(json.dumps, expected))
    other = cfn.actions_of(statements) - {"lambda:InvokeFunction"}
    calls = {action for _, action in service_calls(workflow.definition())}
    assert {a for a in other if not a.startswith(("logs:", "xray:"))} == calls


def test_service_calls_of_a_definition() -> None:
    definition = {
        "States": {
            "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem"},
            "Mail": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sesv2:sendEmail"},
            "Wait": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            },
            "Step": {"Type": "Task", "Resource": "${StepFunctionArn}"},
            "Each": {
                "Type": "Map",
                "ItemProcessor": {
                    "States": {
                        "Send": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::aws-sdk:socialmessaging:"
                            "sendWhatsAppMessage",
                        }
                    }
                },
            },
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "States": {
                            "Q": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage"}
                        }
                    }
                ],
            },
        }
    }
    assert service_calls(definition) == {
        ("dynamodb", "dynamodb:PutItem"),
        ("ses", "ses:SendEmail"),
        ("social-messaging", "social-messaging:SendWhatsAppMessage"),
        ("sqs", "sqs:SendMessage"),
    }
    with pytest.raises(ValueError, match="sync"):
        service_calls(
            {
                "States": {
                    "Run": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::states:startExecution.sync",
                    }
                }
            }
        )


def _write_asl(directory: Path, name: str, definition: dict) -> Workflow:
    path = directory / f"{name}.asl.json"
    path.write_text(json.dumps(definition))

    class FileWorkflow(Workflow):
        @property
        def asl_path(self) -> Path:
            return path

    return FileWorkflow(name=name, type="STANDARD", summary=name, started_by=(), tasks=())


TABLE = SubstitutedResource(
    "wecare-flows",
    "dynamodb",
    ("arn:aws:dynamodb:ap-south-1:111122223333:table/wecare-flows",),
    index_arns=("arn:aws:dynamodb:ap-south-1:111122223333:table/wecare-flows/index/Status",),
)


def test_direct_integration_is_granted_on_the_substituted_resource_only(tmp_path: Path) -> None:
    workflow = _write_asl(
        tmp_path,
        "direct",
        {
            "StartAt": "Put",
            "TimeoutSeconds": 60,
            "States": {
                "Put": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::dynamodb:putItem",
                    "Parameters": {"TableName": "${TableName}", "Item": {}},
                    "Next": "Find",
                },
                "Find": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::aws-sdk:dynamodb:query",
                    "Parameters": {"TableName": "${TableName}", "IndexName": "Status"},
                    "End": True,
                },
            },
        },
    )
    stack = small_stack()
    WorkflowStateMachines(
        stack, "Workflows", workflows=[workflow], function_arns={}, resources={"TableName": TABLE}
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {"StateMachineName": "direct", "DefinitionSubstitutions": {"TableName": "wecare-flows"}},
    )
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert cfn.resources_for(statements, "dynamodb:PutItem") == list(TABLE.arns)
    assert cfn.resources_for(statements, "dynamodb:Query") == [*TABLE.arns, *TABLE.index_arns]
    assert "lambda:InvokeFunction" not in cfn.actions_of(statements)


def test_a_service_call_without_a_substituted_resource_is_an_error(tmp_path: Path) -> None:
    workflow = _write_asl(
        tmp_path,
        "unbound",
        {
            "StartAt": "Send",
            "TimeoutSeconds": 60,
            "States": {
                "Send": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage",
                    "End": True,
                }
            },
        },
    )
    stack = small_stack()
    WorkflowStateMachines(
        stack, "Workflows", workflows=[workflow], function_arns={}, resources={"TableName": TABLE}
    )
    Annotations.from_stack(stack).has_error("*", Match.string_like_regexp("sqs:SendMessage"))


def test_asl_without_timeout_or_with_an_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    stack = small_stack()
    no_timeout = _write_asl(
        tmp_path, "forever", {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    )
    with pytest.raises(ValueError, match="TimeoutSeconds"):
        WorkflowStateMachines(stack, "A", workflows=[no_timeout], function_arns={}, resources={})
    unknown = _write_asl(
        tmp_path,
        "unknown",
        {
            "StartAt": "A",
            "TimeoutSeconds": 60,
            "States": {"A": {"Type": "Task", "Resource": "${MysteryFunctionArn}", "End": True}},
        },
    )
    with pytest.raises(KeyError, match="MysteryFunctionArn"):
        WorkflowStateMachines(stack, "B", workflows=[unknown], function_arns={}, resources={})
