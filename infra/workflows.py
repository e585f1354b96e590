"""The state machines: one per workflow of the catalog, from ``asl/<name>.asl.json``.

CDK grants nothing for ARNs inside a definition file, so each state machine gets
``lambda:InvokeFunction`` on the task functions its ASL names, and, for each direct
service integration in it (``arn:aws:states:::dynamodb:putItem``,
``arn:aws:states:::aws-sdk:sesv2:sendEmail``, ...), that one action on the substituted
resources of that service. CDK also ignores a ``timeout`` for a definition file: the
ASL carries ``TimeoutSeconds`` itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aws_cdk import Annotations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_stepfunctions as sfn
from cdk_nag import NagSuppressions
from constructs import Construct

from infra.building_blocks import log_group
from workflows.catalog import Workflow

INTEGRATION = re.compile(
    r"^arn:[a-z-]+:states:::(?:aws-sdk:)?(?P<service>[a-z0-9-]+):(?P<action>[A-Za-z0-9]+)"
    r"(?P<pattern>\.sync(?::2)?|\.waitForTaskToken)?$"
)
# SDK service names whose IAM prefix differs.
IAM_PREFIXES = {
    "sesv2": "ses",
    "socialmessaging": "social-messaging",
    "bedrockagent": "bedrock",
    "bedrockagentruntime": "bedrock",
    "sfn": "states",
    "eventbridge": "events",
}


@dataclass(frozen=True)
class SubstitutedResource:
    """What replaces a resource placeholder, and what a state machine that calls the
    resource's service directly may act on."""

    value: str
    service: str
    arns: tuple[str, ...]
    # DynamoDB indexes, granted to Query and Scan only.
    index_arns: tuple[str, ...] = ()


def service_calls(definition: Mapping[str, Any]) -> set[tuple[str, str]]:
    """``(iam prefix, IAM action)`` of each direct service integration of a definition."""
    calls = set()
    for resource in _task_resources(definition.get("States", {})):
        match = INTEGRATION.match(resource)
        if match is None or match["service"] == "lambda":
            continue  # a task function ARN, or lambda:invoke of one: granted per task
        if match["pattern"] and match["pattern"].startswith(".sync"):
            raise ValueError(
                f"{resource}: .sync integrations need extra rights; grant them by hand"
            )
        service = IAM_PREFIXES.get(match["service"], match["service"])
        action = match["action"][0].upper() + match["action"][1:]
        calls.add((service, f"{service}:{action}"))
    return calls


def _task_resources(states: Mapping[str, Any]) -> Iterator[str]:
    for state in states.values():
        if state.get("Type") == "Task":
            yield state["Resource"]
        for branch in state.get("Branches", []):
            yield from _task_resources(branch["States"])
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            yield from _task_resources(processor["States"])


class WorkflowStateMachines(Construct):
    """The catalog's state machines, by workflow name; ``function_arns`` maps each task's
    function name to its ARN."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        workflows: Iterable[Workflow],
        function_arns: Mapping[str, str],
        resources: Mapping[str, SubstitutedResource],
    ) -> None:
        super().__init__(scope, construct_id)
        self.function_arns = function_arns
        self.resources = resources
        self.state_machines: dict[str, sfn.StateMachine] = {}
        for workflow in workflows:
            self.state_machines[workflow.name] = self._state_machine(workflow)

    def _state_machine(self, workflow: Workflow) -> sfn.StateMachine:
        definition = workflow.definition()
        if "TimeoutSeconds" not in definition:
            raise ValueError(f"{workflow.asl_path.name}: the ASL needs a top-level TimeoutSeconds")
        used = workflow.placeholders()
        tasks = [task for task in workflow.tasks if task.placeholder in used]
        substitutions = {task.placeholder: self.function_arns[task.function_name] for task in tasks}
        substitutions |= {
            name: resource.value for name, resource in self.resources.items() if name in used
        }
        missing = used - substitutions.keys()
        if missing:
            raise KeyError(
                f"{workflow.asl_path.name}: no value for {', '.join(sorted(missing))}. A task "
                "placeholder belongs in the catalog; a resource placeholder in "
                "RESOURCE_PLACEHOLDERS and the stack's resource substitutions."
            )

        construct_id = "".join(part.capitalize() for part in workflow.name.split("-"))
        state_machine = sfn.StateMachine(
            self,
            construct_id,
            state_machine_name=workflow.name,
            state_machine_type=sfn.StateMachineType[workflow.type],
            definition_body=sfn.DefinitionBody.from_file(str(workflow.asl_path)),
            definition_substitutions=substitutions,
            logs=sfn.LogOptions(
                # The vendedlogs prefix keeps log-group resource policies small.
                destination=log_group(
                    self, f"{construct_id}Logs", f"/aws/vendedlogs/states/{workflow.name}"
                ),
                level=sfn.LogLevel.ALL,
                # Inputs carry phone numbers and message text; the tasks log them masked.
                include_execution_data=False,
            ),
            tracing_enabled=True,
        )
        if tasks:
            state_machine.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["lambda:InvokeFunction"],
                    resources=[self.function_arns[task.function_name] for task in tasks],
                )
            )
        self._grant_service_calls(state_machine, workflow, definition, used)
        NagSuppressions.add_resource_suppressions(
            state_machine,
            [
                {
                    "id": "AwsSolutions-IAM5",
                    "reason": "CloudWatch Logs delivery (logs:CreateLogDelivery, ...) and X-Ray "
                    "(xray:PutTraceSegments, ...) support no resource-level permissions.",
                    "appliesTo": ["Resource::*"],
                }
            ],
            apply_to_children=True,
        )
        return state_machine

    def _grant_service_calls(
        self,
        state_machine: sfn.StateMachine,
        workflow: Workflow,
        definition: Mapping[str, Any],
        used: set[str],
    ) -> None:
        for service, action in sorted(service_calls(definition)):
            reads_indexes = action in ("dynamodb:Query", "dynamodb:Scan")
            arns = [
                arn
                for name, resource in self.resources.items()
                if name in used and resource.service == service
                for arn in resource.arns + (resource.index_arns if reads_indexes else ())
            ]
            if not arns:
                Annotations.of(state_machine).add_error(
                    f"{workflow.asl_path.name} calls {action} but substitutes no {service} "
                    "resource: add it to the stack's resource substitutions."
                )
                continue
            state_machine.add_to_role_policy(iam.PolicyStatement(actions=[action], resources=arns))
