"""What the template tests share: a valid submission, running the workflows, reading the
cache, the submission records and the history, and the stand-in's review plans."""

from __future__ import annotations

import copy
import json
from typing import Any, TypeVar

from boto3.dynamodb.conditions import Key

from workflows.local.runtime import LocalRuntime
from workflows.local.standins.social_messaging import ReviewPlan, TemplateApiStandIn
from workflows.local.templates_feature import TemplatesFeature, templates_of

T = TypeVar("T")

TENANT = "wecare-digital"
META_WABA = "1347766229904230"
WABA = "waba-1a2b3c4d5e6f708192a3b4c5d6e7f809"
OPS = "ops@wecare.digital"
SUBMISSION = {
    "metaWabaId": META_WABA,
    "templateName": "order_confirmation",
    "category": "UTILITY",
    "language": "en_US",
    "components": [{
        "type": "BODY",
        "text": "Your order {{1}} has been confirmed. Total: {{2}}.",
        "example": {"body_text": [["ORD-1042", "Rs 499"]]},
    }],
}
# The runbook's own eum_create_template payload (section 4): it has no example values.
RUNBOOK_PAYLOAD = {
    "action": "eum_create_template", "metaWabaId": META_WABA,
    "templateName": "order_confirmation", "category": "UTILITY", "language": "en_US",
    "components": [{"type": "BODY", "text": "Your order {{1}} has been confirmed. Total: {{2}}"}],
}
# The first polling round ends after 600 simulated seconds; reviews shorter than that are
# answered in round 0 (by the event) or at the first poll (round 1).
FIRST_ROUND_SECONDS = 600


def submission(**fields: Any) -> dict[str, Any]:
    return {**copy.deepcopy(SUBMISSION), **fields}


def feature(runtime: LocalRuntime) -> TemplatesFeature:
    return templates_of(runtime)


def stand_in(runtime: LocalRuntime) -> TemplateApiStandIn:
    api = templates_of(runtime).api
    assert api is not None
    return api


def plan(runtime: LocalRuntime, **review: Any) -> None:
    templates_of(runtime).plan_review(ReviewPlan(**review))


def run(runtime: LocalRuntime, workflow: str, execution_input: dict[str, Any],
        timeout: float = 60.0) -> dict[str, Any]:
    return runtime.wait_for(runtime.start_execution(workflow, execution_input), timeout=timeout)


def output(result: dict[str, Any]) -> dict[str, Any]:
    return json.loads(result["output"])


def cached(runtime: LocalRuntime, name: str = "order_confirmation", language: str = "en_US",
           tenant: str = TENANT) -> dict[str, Any] | None:
    key = {"PK": f"TENANT#{tenant}", "SK": f"TEMPLATE#{name}#{language}"}
    return runtime.table().get_item(Key=key).get("Item")


def submission_records(runtime: LocalRuntime, tenant: str = TENANT) -> list[dict[str, Any]]:
    return runtime.table().query(
        KeyConditionExpression=Key("PK").eq(f"TENANT#{tenant}")
        & Key("SK").begins_with("TEMPLATE_SUBMISSION#"))["Items"]


def states_entered(runtime: LocalRuntime, arn: str) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in runtime.history(arn)
            if e["type"].endswith("StateEntered")]


def transitions(history: list[dict[str, Any]]) -> int:
    """States entered plus retried task attempts (Step Functions bills both)."""
    entered = sum(1 for e in history if e["type"].endswith("StateEntered"))
    attempts = sum(1 for e in history if e["type"] in ("LambdaFunctionScheduled",
                                                         "TaskScheduled"))
    tasks = sum(1 for e in history if e["type"] == "TaskStateEntered")
    return entered + attempts - tasks
