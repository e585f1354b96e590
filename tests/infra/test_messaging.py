"""Notify queues and their rules, the pipes into the Express workflow, and the WABA
event destination."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk.assertions import Annotations, Match

from infra.messaging import (
    NOTIFY_WORKFLOW,
    VISIBILITY_TIMEOUT_FACTOR,
    WABA_EVENTS_DLQ_NAME,
    NotifyPipes,
    NotifyQueues,
)
from tests.infra import cfn
from tests.infra.conftest import Assembly, small_stack
from workflows import catalog, resources
from workflows.catalog import Workflow

pytestmark = pytest.mark.infra

MIN_MAX_RECEIVE_COUNT = 5


@pytest.mark.parametrize("spec", resources.NOTIFY_QUEUES, ids=lambda q: q.name)
def test_notify_queue_has_its_dead_letter_queue(
    synthesized: Assembly, spec: resources.NotifyQueue
) -> None:
    _, queue = cfn.queue(synthesized.template, spec.name)
    dead_letter_id, dead_letters = cfn.queue(synthesized.template, spec.dead_letter_name)
    redrive = queue["Properties"]["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == cfn.arn_of(dead_letter_id)
    assert redrive["maxReceiveCount"] >= MIN_MAX_RECEIVE_COUNT
    assert queue["Properties"]["VisibilityTimeout"] == spec.visibility_timeout_seconds
    for properties in (queue["Properties"], dead_letters["Properties"]):
        assert properties["SqsManagedSseEnabled"] is True


@pytest.mark.parametrize("spec", resources.NOTIFY_QUEUES, ids=lambda q: q.name)
def test_rule_sends_the_detail_type_to_its_queue(
    synthesized: Assembly, spec: resources.NotifyQueue
) -> None:
    queue_id, _ = cfn.queue(synthesized.template, spec.name)
    dlq_id, _ = cfn.queue(synthesized.template, "wecare-event-delivery-dlq")
    _, rule = cfn.one(synthesized.template, "AWS::Events::Rule", Name=spec.rule_name)
    assert rule["Properties"]["EventPattern"] == {
        "source": [resources.EVENT_SOURCE],
        "detail-type": [spec.detail_type],
    }
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == cfn.arn_of(queue_id)
    assert target["DeadLetterConfig"] == {"Arn": cfn.arn_of(dlq_id)}


def _notify_workflow() -> Workflow:
    return catalog.workflow(NOTIFY_WORKFLOW)


def test_each_notify_queue_feeds_the_express_workflow_through_a_pipe(synthesized: Assembly) -> None:
    workflow = _notify_workflow()
    assert workflow.type == "EXPRESS"
    machine_id, _ = cfn.state_machine(synthesized.template, workflow.name)
    pipes = synthesized.resources("AWS::Pipes::Pipe").values()
    assert len(pipes) == len(resources.NOTIFY_QUEUES)
    for spec in resources.NOTIFY_QUEUES:
        queue_id, _ = cfn.queue(synthesized.template, spec.name)
        (pipe,) = [p for p in pipes if p["Properties"]["Source"] == cfn.arn_of(queue_id)]
        properties = pipe["Properties"]
        assert properties["Target"] == cfn.ref(machine_id)
        assert properties["SourceParameters"] == {"SqsQueueParameters": {"BatchSize": 1}}
        assert properties["TargetParameters"] == {
            "StepFunctionStateMachineParameters": {"InvocationType": "REQUEST_RESPONSE"}
        }
        statements = cfn.role_statements(
            synthesized.template, cfn.referenced_id(properties["RoleArn"])
        )
        assert cfn.resources_for(statements, "states:StartSyncExecution") == [cfn.ref(machine_id)]
        assert cfn.resources_for(statements, "sqs:ReceiveMessage") == [cfn.arn_of(queue_id)]
        assert "states:StartExecution" not in cfn.actions_of(statements)


def test_visibility_timeout_outlasts_six_executions_of_the_consumer(synthesized: Assembly) -> None:
    consumer_timeout = _notify_workflow().definition()["TimeoutSeconds"]
    for spec in resources.NOTIFY_QUEUES:
        _, queue = cfn.queue(synthesized.template, spec.name)
        visibility = queue["Properties"]["VisibilityTimeout"]
        assert visibility >= VISIBILITY_TIMEOUT_FACTOR * consumer_timeout


def test_a_workflow_too_slow_for_its_queue_is_an_error(tmp_path: Path) -> None:
    slow = tmp_path / "slow.asl.json"
    definition = {"StartAt": "Done", "TimeoutSeconds": 60, "States": {"Done": {"Type": "Succeed"}}}
    slow.write_text(json.dumps(definition))

    class SlowWorkflow(Workflow):
        @property
        def asl_path(self) -> Path:
            return slow

    workflow = SlowWorkflow(name="slow", type="EXPRESS", summary="", started_by=(), tasks=())
    stack = small_stack()
    notify = NotifyQueues(stack, "Notify")
    machine = sfn.StateMachine(
        stack,
        "Slow",
        definition_body=sfn.DefinitionBody.from_file(str(slow)),
        state_machine_type=sfn.StateMachineType.EXPRESS,
    )
    NotifyPipes(stack, "Pipes", queues=notify.queues, workflow=workflow, state_machine=machine)
    Annotations.from_stack(stack).has_error("*", Match.string_like_regexp("visibility timeout"))


def test_waba_events_topic_is_encrypted_and_open_to_end_user_messaging_social(
    synthesized: Assembly,
) -> None:
    topic_id, topic = cfn.one(
        synthesized.template, "AWS::SNS::Topic", TopicName=resources.WABA_EVENTS_TOPIC_NAME
    )
    assert "KmsMasterKeyId" in topic["Properties"]
    (policy,) = [
        p
        for p in synthesized.resources("AWS::SNS::TopicPolicy").values()
        if cfn.ref(topic_id) in p["Properties"]["Topics"]
    ]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    (publish,) = [s for s in statements if s["Effect"] == "Allow"]
    assert publish["Principal"] == {"Service": "social-messaging.amazonaws.com"}
    assert publish["Action"] == "sns:Publish"
    assert "aws:SourceAccount" in publish["Condition"]["StringEquals"]
    assert any(s["Effect"] == "Deny" and cfn.mentions(s, "aws:SecureTransport") for s in statements)
    key_policy = next(iter(synthesized.resources("AWS::KMS::Key").values()))["Properties"]
    assert cfn.mentions(key_policy["KeyPolicy"], "social-messaging.amazonaws.com")


def test_sns_service_functions_subscribe_with_a_dead_letter_queue(synthesized: Assembly) -> None:
    topic_id, _ = cfn.one(
        synthesized.template, "AWS::SNS::Topic", TopicName=resources.WABA_EVENTS_TOPIC_NAME
    )
    dlq_id, _ = cfn.queue(synthesized.template, WABA_EVENTS_DLQ_NAME)
    subscribers = [f for f in catalog.SERVICE_FUNCTIONS if f.trigger == "sns"]
    assert subscribers
    for spec in subscribers:
        function_id, _ = cfn.function(synthesized.template, spec.name)
        _, subscription = cfn.one(
            synthesized.template,
            "AWS::SNS::Subscription",
            Endpoint=cfn.arn_of(function_id),
        )
        assert subscription["Properties"]["Protocol"] == "lambda"
        assert subscription["Properties"]["TopicArn"] == cfn.ref(topic_id)
        assert subscription["Properties"]["RedrivePolicy"] == {
            "deadLetterTargetArn": cfn.arn_of(dlq_id)
        }
        _, invoke_config = cfn.one(
            synthesized.template,
            "AWS::Lambda::EventInvokeConfig",
            FunctionName=cfn.ref(function_id),
        )
        destination = invoke_config["Properties"]["DestinationConfig"]["OnFailure"]
        assert destination == {"Destination": cfn.arn_of(dlq_id)}
