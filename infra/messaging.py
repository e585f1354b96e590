"""How events reach the workflows: the notify queues and their rules, the pipes into the
Express workflow, and the SNS topic End User Messaging Social publishes WABA events to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aws_cdk import Annotations, Aws, Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from cdk_nag import NagSuppressions
from constructs import Construct

from infra.building_blocks import log_group, service_role
from workflows import resources
from workflows.catalog import Workflow

# The workflow the notify queues feed (see ``workflows.resources.NotifyQueue``).
NOTIFY_WORKFLOW = "message-notify"
DELIVERY_DLQ_NAME = "wecare-event-delivery-dlq"
WABA_EVENTS_DLQ_NAME = f"{resources.WABA_EVENTS_TOPIC_NAME}-dlq"
DEAD_LETTER_RETENTION = Duration.days(14)
# A consumer's message must become visible again only after the consumer gave up on it.
VISIBILITY_TIMEOUT_FACTOR = 6


def secure_queue(scope: Construct, construct_id: str, **props: object) -> sqs.Queue:
    """A queue encrypted at rest (SQS managed keys) that refuses requests without TLS."""
    return sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        **props,  # type: ignore[arg-type]
    )


def dead_letter_queue(scope: Construct, construct_id: str, name: str, used_by: str) -> sqs.Queue:
    """A dead-letter queue of AWS services that are not queues (cdk-nag sees only redrive
    policies), kept 14 days; its alarm (infra.monitoring) tells the team."""
    queue = secure_queue(
        scope, construct_id, queue_name=name, retention_period=DEAD_LETTER_RETENTION
    )
    NagSuppressions.add_resource_suppressions(
        queue,
        [
            {
                "id": "AwsSolutions-SQS3",
                "reason": f"This queue is the dead-letter queue of {used_by}; a dead-letter "
                "queue of its own would only move undeliverable messages once more.",
            }
        ],
    )
    return queue


class NotifyQueues(Construct):
    """Each notify queue with its dead-letter queue and the rule that fills it, plus one
    dead-letter queue for events EventBridge and the Scheduler could not deliver."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.delivery_dead_letters = dead_letter_queue(
            self,
            "DeliveryDeadLetters",
            DELIVERY_DLQ_NAME,
            "the notify rules' targets and the workflow schedules",
        )
        self.queues: dict[str, sqs.Queue] = {}
        self.dead_letter_queues: dict[str, sqs.Queue] = {
            DELIVERY_DLQ_NAME: self.delivery_dead_letters
        }
        self.rules: dict[str, events.Rule] = {}
        for spec in resources.NOTIFY_QUEUES:
            self._notify_queue(spec)

    def _notify_queue(self, spec: resources.NotifyQueue) -> None:
        construct_id = "".join(part.capitalize() for part in spec.name.split("-"))
        dead_letters = secure_queue(
            self,
            f"{construct_id}DeadLetters",
            queue_name=spec.dead_letter_name,
            retention_period=DEAD_LETTER_RETENTION,
        )
        queue = secure_queue(
            self,
            construct_id,
            queue_name=spec.name,
            visibility_timeout=Duration.seconds(spec.visibility_timeout_seconds),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=dead_letters, max_receive_count=spec.max_receive_count
            ),
        )
        rule = events.Rule(
            self,
            f"{construct_id}Rule",
            rule_name=spec.rule_name,
            description=f"{spec.detail_type} events of {resources.EVENT_SOURCE} to {spec.name}",
            event_pattern=events.EventPattern(
                source=[resources.EVENT_SOURCE], detail_type=[spec.detail_type]
            ),
        )
        rule.add_target(
            targets.SqsQueue(
                queue,
                dead_letter_queue=self.delivery_dead_letters,
                retry_attempts=8,
                max_event_age=Duration.hours(24),
            )
        )
        self.queues[spec.name] = queue
        self.dead_letter_queues[spec.dead_letter_name] = dead_letters
        self.rules[spec.rule_name] = rule


class NotifyPipes(Construct):
    """An EventBridge pipe from each notify queue to an Express workflow.

    The pipe takes one message at a time and waits for the execution
    (``REQUEST_RESPONSE``): a failed execution leaves the message on the queue, to be
    retried after the visibility timeout and dead-lettered after ``maxReceiveCount``.
    The execution's input is a one-element array holding the SQS record, whose ``body``
    is the EventBridge event as a JSON string.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queues: Mapping[str, sqs.IQueue],
        workflow: Workflow,
        state_machine: sfn.IStateMachine,
    ) -> None:
        super().__init__(scope, construct_id)
        if workflow.type != "EXPRESS":
            raise ValueError(f"{workflow.name}: a pipe waits only for an Express workflow")
        self.workflow_name = workflow.name
        self.consumer_timeout_seconds = int(workflow.definition()["TimeoutSeconds"])
        specs = {spec.name: spec for spec in resources.NOTIFY_QUEUES}
        self.pipes: dict[str, pipes.CfnPipe] = {}
        for name, queue in queues.items():
            self.pipes[name] = self._pipe(specs[name], queue, state_machine)

    def _pipe(
        self, spec: resources.NotifyQueue, queue: sqs.IQueue, state_machine: sfn.IStateMachine
    ) -> pipes.CfnPipe:
        construct_id = "".join(part.capitalize() for part in spec.name.split("-"))
        role = service_role(
            self,
            f"{construct_id}Role",
            "pipes.amazonaws.com",
            f"Pipe {spec.name}: read its queue, run the notify workflow",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                resources=[queue.queue_arn],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["states:StartSyncExecution"],
                resources=[state_machine.state_machine_arn],
            )
        )
        logs = log_group(self, f"{construct_id}Logs", f"/aws/vendedlogs/pipes/{spec.name}")
        logs.grant_write(role)
        pipe = pipes.CfnPipe(
            self,
            f"{construct_id}Pipe",
            name=f"{spec.name}-pipe",
            description=f"{spec.name} to the {self.workflow_name} workflow, one message at a time",
            role_arn=role.role_arn,
            source=queue.queue_arn,
            source_parameters=pipes.CfnPipe.PipeSourceParametersProperty(
                sqs_queue_parameters=pipes.CfnPipe.PipeSourceSqsQueueParametersProperty(
                    batch_size=1
                )
            ),
            target=state_machine.state_machine_arn,
            target_parameters=pipes.CfnPipe.PipeTargetParametersProperty(
                step_function_state_machine_parameters=pipes.CfnPipe.PipeTargetStateMachineParametersProperty(
                    invocation_type="REQUEST_RESPONSE"
                )
            ),
            log_configuration=pipes.CfnPipe.PipeLogConfigurationProperty(
                cloudwatch_logs_log_destination=pipes.CfnPipe.CloudwatchLogsLogDestinationProperty(
                    log_group_arn=logs.log_group_arn
                ),
                level="ERROR",
            ),
        )
        # The pipe checks its role's rights when it is created.
        pipe.node.add_dependency(role)
        needed = VISIBILITY_TIMEOUT_FACTOR * self.consumer_timeout_seconds
        if spec.visibility_timeout_seconds < needed:
            Annotations.of(pipe).add_error(
                f"{spec.name}: visibility timeout {spec.visibility_timeout_seconds}s is less than "
                f"{VISIBILITY_TIMEOUT_FACTOR} times the workflow's TimeoutSeconds "
                f"({self.consumer_timeout_seconds}s)"
            )
        return pipe


class WabaEventDestination(Construct):
    """The SNS topic a WABA's event destination points at, and its Lambda subscribers.

    A delivery that fails (SNS could not reach the function, or the function failed
    its asynchronous retries) lands in one dead-letter queue.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        key: kms.IKey,
        subscribers: Iterable[lambda_.Function],
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(
            self,
            "Topic",
            topic_name=resources.WABA_EVENTS_TOPIC_NAME,
            display_name="WhatsApp events from End User Messaging Social",
            master_key=key,
            enforce_ssl=True,
        )
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="EndUserMessagingSocialPublishes",
                principals=[iam.ServicePrincipal("social-messaging.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
            )
        )
        self.dead_letters = dead_letter_queue(
            self,
            "DeadLetters",
            WABA_EVENTS_DLQ_NAME,
            "the topic's Lambda subscriptions and those functions' asynchronous invocations",
        )
        self.dead_letter_queues = {WABA_EVENTS_DLQ_NAME: self.dead_letters}
        for function in subscribers:
            self.topic.add_subscription(
                subscriptions.LambdaSubscription(function, dead_letter_queue=self.dead_letters)
            )
            function.configure_async_invoke(
                on_failure=destinations.SqsDestination(self.dead_letters),
                retry_attempts=2,
                max_event_age=Duration.hours(6),
            )
