"""The runbook's section 7: the dashboard, and alarms that e-mail the team."""

from __future__ import annotations

import json

import pytest

from infra.monitoring import ALARM_TOPIC_NAME, LAMBDA_ERROR_RATE_PERCENT, SES_BOUNCE_RATE
from tests.infra import cfn
from tests.infra.conftest import Assembly
from workflows import catalog
from workflows.settings import load_settings

pytestmark = pytest.mark.infra

FUNCTION_NAMES = [
    *(task.function_name for workflow in catalog.WORKFLOWS for task in workflow.tasks),
    *(function.name for function in catalog.SERVICE_FUNCTIONS),
]


def _alarms(synthesized: Assembly) -> dict[str, dict]:
    return {
        alarm["Properties"]["AlarmName"]: alarm["Properties"]
        for alarm in synthesized.resources("AWS::CloudWatch::Alarm").values()
    }


def _metrics(alarm: dict) -> list[dict]:
    """``{namespace, name, dimensions}`` of each metric an alarm reads."""
    if "MetricName" in alarm:
        return [
            {
                "namespace": alarm["Namespace"],
                "name": alarm["MetricName"],
                "dimensions": alarm.get("Dimensions", []),
            }
        ]
    return [
        {
            "namespace": query["MetricStat"]["Metric"]["Namespace"],
            "name": query["MetricStat"]["Metric"]["MetricName"],
            "dimensions": query["MetricStat"]["Metric"].get("Dimensions", []),
        }
        for query in alarm["Metrics"]
        if "MetricStat" in query
    ]


def test_alarm_topic_emails_the_team(synthesized: Assembly) -> None:
    topic_id, topic = cfn.one(synthesized.template, "AWS::SNS::Topic", TopicName=ALARM_TOPIC_NAME)
    assert "KmsMasterKeyId" in topic["Properties"]
    _, subscription = cfn.one(
        synthesized.template, "AWS::SNS::Subscription", TopicArn=cfn.ref(topic_id), Protocol="email"
    )
    assert subscription["Properties"]["Endpoint"] == load_settings().ops_notify_to


def test_every_alarm_notifies_the_topic(synthesized: Assembly) -> None:
    topic_id, _ = cfn.one(synthesized.template, "AWS::SNS::Topic", TopicName=ALARM_TOPIC_NAME)
    alarms = _alarms(synthesized)
    assert alarms
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [cfn.ref(topic_id)], name
        assert alarm["AlarmDescription"], name


@pytest.mark.parametrize("function_name", FUNCTION_NAMES)
def test_lambda_error_rate_above_five_percent(synthesized: Assembly, function_name: str) -> None:
    alarm = _alarms(synthesized)[f"{function_name}-error-rate"]
    assert alarm["Threshold"] == LAMBDA_ERROR_RATE_PERCENT == 5
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    (expression,) = [q["Expression"] for q in alarm["Metrics"] if "Expression" in q]
    assert "100 * errors / invocations" in expression
    function_id, _ = cfn.function(synthesized.template, function_name)
    names = {m["name"] for m in _metrics(alarm)}
    assert names == {"Errors", "Invocations"}
    for metric in _metrics(alarm):
        assert metric["dimensions"] == [{"Name": "FunctionName", "Value": cfn.ref(function_id)}]


def test_any_message_in_any_dead_letter_queue(synthesized: Assembly) -> None:
    dead_letter_queues = [
        (logical_id, queue["Properties"]["QueueName"])
        for logical_id, queue in synthesized.resources("AWS::SQS::Queue").items()
        if queue["Properties"]["QueueName"].endswith("-dlq")
    ]
    assert len(dead_letter_queues) >= 4
    alarms = _alarms(synthesized)
    for logical_id, name in dead_letter_queues:
        alarm = alarms[f"{name}-not-empty"]
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert alarm["Threshold"] == 1
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert cfn.mentions(alarm["Dimensions"], logical_id)


@pytest.mark.parametrize("workflow", [w.name for w in catalog.WORKFLOWS])
def test_any_failed_or_timed_out_execution(synthesized: Assembly, workflow: str) -> None:
    machine_id, _ = cfn.state_machine(synthesized.template, workflow)
    alarm = _alarms(synthesized)[f"wecare-{workflow}-executions-failed"]
    assert {m["name"] for m in _metrics(alarm)} == {"ExecutionsFailed", "ExecutionsTimedOut"}
    assert all(cfn.mentions(m["dimensions"], machine_id) for m in _metrics(alarm))
    assert alarm["Threshold"] == 1
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_bedrock_invocation_failures(synthesized: Assembly) -> None:
    alarm = _alarms(synthesized)["wecare-bedrock-invocation-failures"]
    assert {m["namespace"] for m in _metrics(alarm)} == {"AWS/Bedrock"}
    assert {"InvocationClientErrors", "InvocationServerErrors"} <= {
        m["name"] for m in _metrics(alarm)
    }
    assert alarm["Threshold"] == 1


def test_ses_bounce_rate_above_two_percent(synthesized: Assembly) -> None:
    alarm = _alarms(synthesized)["wecare-ses-bounce-rate"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/SES", "Reputation.BounceRate")
    assert alarm["Threshold"] == SES_BOUNCE_RATE == 0.02
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_dashboard_shows_the_runbook_metrics(synthesized: Assembly) -> None:
    _, dashboard = cfn.one(synthesized.template, "AWS::CloudWatch::Dashboard")
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for metric in (
        "Invocations",
        "Errors",
        "Duration",
        "ApproximateNumberOfMessagesVisible",
        "ApproximateAgeOfOldestMessage",
        "ConsumedReadCapacityUnits",
        "ConsumedWriteCapacityUnits",
        "AWS/Events",
        "FailedInvocations",
        "ExecutionsStarted",
        "ExecutionsFailed",
        "ExecutionsTimedOut",
    ):
        assert metric in body, metric
    for workflow in catalog.WORKFLOWS:
        machine_id, _ = cfn.state_machine(synthesized.template, workflow.name)
        assert machine_id in body
    for function_name in FUNCTION_NAMES:
        assert cfn.function(synthesized.template, function_name)[0] in body
