"""Rules that send Step Functions' "Execution Status Change" events to the catalog's
``execution-status`` functions: the ends of the workflows each one ``watches`` with one
of its ``ended_statuses``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from workflows.catalog import ServiceFunction

DETAIL_TYPE = "Step Functions Execution Status Change"


class ExecutionStatusRules(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        specs: Iterable[ServiceFunction],
        functions: Mapping[str, lambda_.IFunction],
        state_machines: Mapping[str, sfn.IStateMachine],
        dead_letter_queue: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        self.rules: dict[str, events.Rule] = {}
        for spec in specs:
            watched = [state_machines[name].state_machine_arn for name in spec.watches]
            rule = events.Rule(
                self,
                "".join(part.capitalize() for part in spec.name.split("-")),
                rule_name=spec.name,
                description=f"{', '.join(spec.ended_statuses)} ends of "
                f"{', '.join(spec.watches)} to {spec.name}",
                event_pattern=events.EventPattern(
                    source=["aws.states"],
                    detail_type=[DETAIL_TYPE],
                    detail={"status": list(spec.ended_statuses), "stateMachineArn": watched},
                ),
            )
            rule.add_target(
                targets.LambdaFunction(
                    functions[spec.name],
                    dead_letter_queue=dead_letter_queue,
                    retry_attempts=8,
                    max_event_age=Duration.hours(24),
                )
            )
            self.rules[spec.name] = rule
