"""The recurring starts of the workflows (``Workflow.schedules``), on EventBridge Scheduler."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.building_blocks import service_role
from workflows.catalog import Workflow


class WorkflowSchedules(Construct):
    """One schedule per ``Schedule`` of the catalog, in UTC; each role may start only its
    own state machine, and a start that keeps failing goes to the dead-letter queue."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        workflows: Iterable[Workflow],
        state_machines: Mapping[str, sfn.IStateMachine],
        dead_letter_queue: sqs.IQueue,
    ) -> None:
        super().__init__(scope, construct_id)
        self.schedules: dict[str, scheduler.CfnSchedule] = {}
        for workflow in workflows:
            for schedule in workflow.schedules:
                role = service_role(
                    self,
                    f"{schedule.name}-role",
                    "scheduler.amazonaws.com",
                    f"Schedule {schedule.name}: start {workflow.name}",
                )
                state_machine = state_machines[workflow.name]
                state_machine.grant_start_execution(role)
                role.add_to_policy(
                    iam.PolicyStatement(
                        actions=["sqs:SendMessage"], resources=[dead_letter_queue.queue_arn]
                    )
                )
                self.schedules[schedule.name] = scheduler.CfnSchedule(
                    self,
                    schedule.name,
                    name=schedule.name,
                    description=schedule.description,
                    schedule_expression=schedule.expression,
                    schedule_expression_timezone="UTC",
                    flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(
                        mode="OFF"
                    ),
                    state="ENABLED",
                    target=scheduler.CfnSchedule.TargetProperty(
                        arn=state_machine.state_machine_arn,
                        role_arn=role.role_arn,
                        input=json.dumps(schedule.input),
                        retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                            maximum_event_age_in_seconds=3600, maximum_retry_attempts=5
                        ),
                        dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(
                            arn=dead_letter_queue.queue_arn
                        ),
                    ),
                )
