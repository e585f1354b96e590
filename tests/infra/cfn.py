"""Reading a synthesized CloudFormation template: resources, references, IAM statements."""

from __future__ import annotations

import json
from typing import Any

Template = dict[str, Any]


def resources(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def one(template: Template, resource_type: str, **properties: Any) -> tuple[str, dict[str, Any]]:
    """The single resource of this type whose properties include these values."""
    found = [
        (logical_id, resource)
        for logical_id, resource in resources(template, resource_type).items()
        if all(resource["Properties"].get(k) == v for k, v in properties.items())
    ]
    assert len(found) == 1, f"{len(found)} {resource_type} with {properties}"
    return found[0]


def function(template: Template, function_name: str) -> tuple[str, dict[str, Any]]:
    return one(template, "AWS::Lambda::Function", FunctionName=function_name)


def state_machine(template: Template, name: str) -> tuple[str, dict[str, Any]]:
    return one(template, "AWS::StepFunctions::StateMachine", StateMachineName=name)


def queue(template: Template, name: str) -> tuple[str, dict[str, Any]]:
    return one(template, "AWS::SQS::Queue", QueueName=name)


def ref(logical_id: str) -> dict[str, str]:
    return {"Ref": logical_id}


def arn_of(logical_id: str) -> dict[str, list[str]]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def referenced_id(value: Any) -> str:
    """The logical id a ``Ref`` or ``Fn::GetAtt`` points at."""
    if "Ref" in value:
        return value["Ref"]
    return value["Fn::GetAtt"][0]


def role_statements(template: Template, role_logical_id: str) -> list[dict[str, Any]]:
    """Every statement of the policies attached to this role."""
    return [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        if ref(role_logical_id) in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def actions_of(statements: list[dict[str, Any]]) -> set[str]:
    return {action for s in statements for action in as_list(s["Action"])}


def resources_for(statements: list[dict[str, Any]], action: str) -> list[Any]:
    return [r for s in statements if action in as_list(s["Action"]) for r in as_list(s["Resource"])]


def mentions(value: Any, text: str) -> bool:
    return text in json.dumps(value)
