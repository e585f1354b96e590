"""The runbook's section 7: a dashboard, and alarms that e-mail the team through SNS."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Aws, Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

DASHBOARD_NAME = "wecare-flows"
ALARM_TOPIC_NAME = "wecare-flows-alarms"
PERIOD = Duration.minutes(5)
LAMBDA_ERROR_RATE_PERCENT = 5
SES_BOUNCE_RATE = 0.02  # SES reports Reputation.BounceRate as a fraction


class Monitoring(Construct):
    """Alarms for the failures the runbook names, and one dashboard of the whole flow."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        key: kms.IKey,
        notify_email: str,
        functions: Mapping[str, lambda_.IFunction],
        state_machines: Mapping[str, sfn.IStateMachine],
        queues: Mapping[str, sqs.IQueue],
        dead_letter_queues: Mapping[str, sqs.IQueue],
        table: dynamodb.ITable,
        rules: Mapping[str, events.IRule],
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = self._alarm_topic(key, notify_email)
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        for name, function in functions.items():
            self._function_error_rate(name, function)
        for name, queue in dead_letter_queues.items():
            self._dead_letters(name, queue)
        for name, state_machine in state_machines.items():
            self._failed_executions(name, state_machine)
        self._bedrock_failures()
        self._ses_bounce_rate()
        self.dashboard = self._dashboard(
            functions, state_machines, {**queues, **dead_letter_queues}, table, rules
        )

    def _alarm_topic(self, key: kms.IKey, notify_email: str) -> sns.Topic:
        topic = sns.Topic(
            self,
            "AlarmTopic",
            topic_name=ALARM_TOPIC_NAME,
            display_name="wecare-flows alarms",
            master_key=key,
            enforce_ssl=True,
        )
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
            )
        )
        topic.add_subscription(subscriptions.EmailSubscription(notify_email))
        return topic

    def _alarm(self, name: str, description: str, **props: object) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_name=name,
            alarm_description=description,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            **props,  # type: ignore[arg-type]
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        self.alarms[name] = alarm
        return alarm

    def _function_error_rate(self, name: str, function: lambda_.IFunction) -> None:
        rate = cloudwatch.MathExpression(
            expression="IF(invocations > 0, 100 * errors / invocations, 0)",
            using_metrics={
                "errors": function.metric_errors(statistic="Sum", period=PERIOD),
                "invocations": function.metric_invocations(statistic="Sum", period=PERIOD),
            },
            label=f"{name} error rate (%)",
            period=PERIOD,
        )
        self._alarm(
            f"{name}-error-rate",
            f"More than {LAMBDA_ERROR_RATE_PERCENT} % of {name}'s invocations failed in 5 "
            "minutes. Read its log group /aws/lambda/" + name + " (docs/deploy.md, Alarms).",
            metric=rate,
            threshold=LAMBDA_ERROR_RATE_PERCENT,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )

    def _dead_letters(self, name: str, queue: sqs.IQueue) -> None:
        self._alarm(
            f"{name}-not-empty",
            f"{name} holds messages that could not be delivered or processed. Inspect them, "
            "fix the cause, then redrive them (docs/deploy.md, Alarms).",
            metric=queue.metric_approximate_number_of_messages_visible(
                statistic="Maximum", period=PERIOD
            ),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        )

    def _failed_executions(self, name: str, state_machine: sfn.IStateMachine) -> None:
        failures = cloudwatch.MathExpression(
            expression="failed + timedOut",
            using_metrics={
                "failed": state_machine.metric_failed(statistic="Sum", period=PERIOD),
                "timedOut": state_machine.metric_timed_out(statistic="Sum", period=PERIOD),
            },
            label=f"{name} executions failed or timed out",
            period=PERIOD,
        )
        self._alarm(
            f"wecare-{name}-executions-failed",
            f"An execution of {name} failed or timed out. Read it with "
            f"`wecare-flows executions {name}` (docs/deploy.md, Alarms).",
            metric=failures,
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        )

    def _bedrock_failures(self) -> None:
        failures = cloudwatch.MathExpression(
            expression="clientErrors + serverErrors + throttles",
            using_metrics={
                key: cloudwatch.Metric(
                    namespace="AWS/Bedrock", metric_name=metric, statistic="Sum", period=PERIOD
                )
                for key, metric in (
                    ("clientErrors", "InvocationClientErrors"),
                    ("serverErrors", "InvocationServerErrors"),
                    ("throttles", "InvocationThrottles"),
                )
            },
            label="Bedrock invocation failures",
            period=PERIOD,
        )
        self._alarm(
            "wecare-bedrock-invocation-failures",
            "Bedrock model invocations failed or were throttled (docs/deploy.md, Alarms).",
            metric=failures,
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        )

    def _ses_bounce_rate(self) -> None:
        self._alarm(
            "wecare-ses-bounce-rate",
            "The account's SES bounce rate is above 2 %; SES reviews accounts at 5 % and may "
            "pause sending at 10 % (docs/deploy.md, Alarms).",
            metric=cloudwatch.Metric(
                namespace="AWS/SES",
                metric_name="Reputation.BounceRate",
                statistic="Maximum",
                period=Duration.minutes(15),
            ),
            threshold=SES_BOUNCE_RATE,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )

    def _dashboard(
        self,
        functions: Mapping[str, lambda_.IFunction],
        state_machines: Mapping[str, sfn.IStateMachine],
        queues: Mapping[str, sqs.IQueue],
        table: dynamodb.ITable,
        rules: Mapping[str, events.IRule],
    ) -> cloudwatch.Dashboard:
        dashboard = cloudwatch.Dashboard(
            self, "Dashboard", dashboard_name=DASHBOARD_NAME, default_interval=Duration.days(1)
        )
        dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(
                title="Alarms", alarms=list(self.alarms.values()), width=24, height=4
            )
        )
        dashboard.add_widgets(
            *(
                cloudwatch.GraphWidget(
                    title=f"{name}: executions",
                    left=[
                        state_machine.metric_started(statistic="Sum", period=PERIOD),
                        state_machine.metric_failed(statistic="Sum", period=PERIOD),
                        state_machine.metric_timed_out(statistic="Sum", period=PERIOD),
                    ],
                    width=8,
                )
                for name, state_machine in state_machines.items()
            )
        )
        dashboard.add_widgets(
            _graph(
                "Lambda invocations",
                [
                    f.metric_invocations(statistic="Sum", period=PERIOD, label=name)
                    for name, f in functions.items()
                ],
            ),
            _graph(
                "Lambda errors",
                [
                    f.metric_errors(statistic="Sum", period=PERIOD, label=name)
                    for name, f in functions.items()
                ],
            ),
            _graph(
                "Lambda duration (p90, ms)",
                [
                    f.metric_duration(statistic="p90", period=PERIOD, label=name)
                    for name, f in functions.items()
                ],
            ),
        )
        dashboard.add_widgets(
            _graph(
                "Queue depth (visible messages)",
                [
                    q.metric_approximate_number_of_messages_visible(
                        statistic="Maximum", period=PERIOD, label=name
                    )
                    for name, q in queues.items()
                ],
            ),
            _graph(
                "Age of oldest message (s)",
                [
                    q.metric_approximate_age_of_oldest_message(
                        statistic="Maximum", period=PERIOD, label=name
                    )
                    for name, q in queues.items()
                ],
            ),
            _graph(
                "Table consumed capacity",
                [
                    table.metric_consumed_read_capacity_units(statistic="Sum", period=PERIOD),
                    table.metric_consumed_write_capacity_units(statistic="Sum", period=PERIOD),
                ],
            ),
        )
        dashboard.add_widgets(
            _graph(
                "Rule invocations",
                [
                    cloudwatch.Metric(
                        namespace="AWS/Events",
                        metric_name=metric,
                        dimensions_map={"RuleName": rule.rule_name},
                        statistic="Sum",
                        period=PERIOD,
                        label=f"{rule.rule_name} {metric}",
                    )
                    for rule in rules.values()
                    for metric in ("Invocations", "FailedInvocations")
                ],
                width=24,
            ),
        )
        return dashboard


def _graph(title: str, metrics: list[cloudwatch.IMetric], width: int = 8) -> cloudwatch.GraphWidget:
    return cloudwatch.GraphWidget(title=title, left=metrics, width=width)
