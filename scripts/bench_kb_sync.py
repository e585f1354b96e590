"""kb-sync figures: state transitions of a 30-minute ingestion, and the runtime's start.

Transitions are counted from the execution history: every state entered, plus every
retried task attempt (Step Functions bills a retry as a transition). The backoff design
of ``asl/kb-sync.asl.json`` is compared with a fixed 30-second poll run on the same
runtime: Wait 30 s → check → (still running: back to the Wait), the cheapest such loop.
"""

from __future__ import annotations

import json
import time
from typing import Any

from workflows.catalog import KB_SYNC
from workflows.local.runtime import LocalRuntime
from workflows.local.standins.knowledge_base import IngestionPlan

JOB_SECONDS = 1800
# Slow enough that a handler's real run time (milliseconds) is small next to a 30 s poll.
TIME_SCALE = 0.05


def fixed_poll_definition(substitutions: dict[str, str], poll_seconds: int) -> str:
    """kb-sync's start and check tasks in a plain fixed-interval poll loop."""
    return json.dumps({
        "StartAt": "StartIngestionJob",
        "TimeoutSeconds": 21600,
        "States": {
            "StartIngestionJob": {
                "Type": "Task", "Resource": substitutions["StartIngestionJobFunctionArn"],
                "Parameters": {"request.$": "$", "executionArn.$": "$$.Execution.Id"},
                "ResultPath": "$.job", "Next": "WaitBeforeCheck",
            },
            "WaitBeforeCheck": {"Type": "Wait", "Seconds": poll_seconds, "Next": "CheckJob"},
            "CheckJob": {
                "Type": "Task", "Resource": substitutions["CheckIngestionJobFunctionArn"],
                "Parameters": {"job.$": "$.job"}, "ResultPath": "$.job",
                "Catch": [{"ErrorEquals": ["IngestionJobStillRunning"], "ResultPath": "$.poll",
                           "Next": "WaitBeforeCheck"}],
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    })


def transitions(history: list[dict[str, Any]]) -> int:
    entered = sum(1 for e in history if e["type"].endswith("StateEntered"))
    scheduled = sum(1 for e in history if e["type"] == "LambdaFunctionScheduled")
    tasks_entered = sum(1 for e in history if e["type"] == "TaskStateEntered")
    return entered + (scheduled - tasks_entered)


def run_once(runtime: LocalRuntime, state_machine_arn: str) -> int:
    runtime.knowledge_base.plan_next_job(IngestionPlan(duration_seconds=JOB_SECONDS))
    arn = runtime.client("stepfunctions").start_execution(
        stateMachineArn=state_machine_arn, input="{}"
    )["executionArn"]
    described = runtime.wait_for(arn, timeout=300)
    if described["status"] != "SUCCEEDED":
        raise RuntimeError(f"{arn} ended {described['status']}: {described.get('cause')}")
    return transitions(runtime.history(arn))


def run() -> dict[str, Any]:
    cold = time.perf_counter()
    runtime = LocalRuntime(time_scale=TIME_SCALE, log_level="ERROR").start()
    cold_start = time.perf_counter() - cold
    try:
        assert runtime.services is not None
        backoff = run_once(runtime, runtime.state_machine_arns[KB_SYNC.name])
        fixed_arn = runtime.client("stepfunctions").create_state_machine(
            name="kb-sync-fixed-30s-poll",
            definition=fixed_poll_definition(runtime.services.substitutions, 30),
            roleArn=f"arn:aws:iam::{runtime.account_id}:role/wecare-flows-local",
        )["stateMachineArn"]
        fixed = run_once(runtime, fixed_arn)
    finally:
        runtime.stop()
    warm = time.perf_counter()
    LocalRuntime(time_scale=TIME_SCALE, log_level="ERROR").start().stop()
    warm_start = time.perf_counter() - warm
    return {
        "job_minutes": JOB_SECONDS // 60,
        "transitions_backoff": backoff,
        "transitions_fixed_30s_poll": fixed,
        "ratio": round(backoff / fixed, 3),
        "runtime_start_seconds_first": round(cold_start, 2),
        "runtime_start_seconds_again": round(warm_start, 2),
    }


def report(figures: dict[str, Any]) -> list[str]:
    return [
        f"kb-sync, simulated {figures['job_minutes']}-minute ingestion job:",
        f"  state transitions with the backoff poll  {figures['transitions_backoff']:>5}",
        f"  state transitions with a fixed 30 s poll {figures['transitions_fixed_30s_poll']:>5}",
        f"  ratio                                    {figures['ratio']:>8} (goal: at most 0.1)",
        f"embedded runtime start (in-process, first) {figures['runtime_start_seconds_first']:>7} s",
        f"embedded runtime start (again)             {figures['runtime_start_seconds_again']:>7} s",
    ]


if __name__ == "__main__":
    print("\n".join(report(run())))
