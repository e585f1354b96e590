"""EventBridge Scheduler starts the scheduled workflows in UTC, each with its own role."""

from __future__ import annotations

import json

import pytest

from tests.infra import cfn
from tests.infra.conftest import Assembly
from workflows import catalog
from workflows.catalog import Schedule, Workflow

pytestmark = pytest.mark.infra

SCHEDULES = [(w, s) for w in catalog.WORKFLOWS for s in w.schedules]


def test_kb_sync_runs_daily_at_two_utc() -> None:
    (schedule,) = catalog.workflow("kb-sync").schedules
    assert schedule.expression == "cron(0 2 * * ? *)"


def test_template_sync_runs_daily() -> None:
    if "template-sync" not in {w.name for w in catalog.WORKFLOWS}:
        pytest.skip("template-sync is not in the catalog")
    (schedule,) = catalog.workflow("template-sync").schedules
    _, _, day_of_month, month, day_of_week, _ = schedule.cron_fields
    assert {day_of_month, day_of_week} <= {"*", "?"} and month == "*"


@pytest.mark.parametrize("entry", SCHEDULES, ids=lambda e: e[1].name)
def test_schedule_starts_its_workflow_in_utc(
    synthesized: Assembly, entry: tuple[Workflow, Schedule]
) -> None:
    workflow, schedule = entry
    machine_id, _ = cfn.state_machine(synthesized.template, workflow.name)
    _, resource = cfn.one(synthesized.template, "AWS::Scheduler::Schedule", Name=schedule.name)
    properties = resource["Properties"]
    assert properties["ScheduleExpression"] == schedule.expression
    assert properties["ScheduleExpressionTimezone"] == "UTC"
    assert properties["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert properties["State"] == "ENABLED"
    target = properties["Target"]
    assert target["Arn"] == cfn.ref(machine_id)
    assert json.loads(target["Input"]) == schedule.input
    assert "Arn" in target["DeadLetterConfig"]


@pytest.mark.parametrize("entry", SCHEDULES, ids=lambda e: e[1].name)
def test_schedule_role_may_start_only_its_workflow(
    synthesized: Assembly, entry: tuple[Workflow, Schedule]
) -> None:
    workflow, schedule = entry
    machine_id, _ = cfn.state_machine(synthesized.template, workflow.name)
    _, resource = cfn.one(synthesized.template, "AWS::Scheduler::Schedule", Name=schedule.name)
    role_id = cfn.referenced_id(resource["Properties"]["Target"]["RoleArn"])
    role = synthesized.template["Resources"][role_id]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    statements = cfn.role_statements(synthesized.template, role_id)
    assert cfn.actions_of(statements) == {"states:StartExecution", "sqs:SendMessage"}
    assert cfn.resources_for(statements, "states:StartExecution") == [cfn.ref(machine_id)]
