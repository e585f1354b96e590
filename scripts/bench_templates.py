"""template-submission figures: state transitions of the wait for Meta's verdict.

Transitions are counted from the execution history: every state entered, plus every
retried task attempt (Step Functions bills a retry as a transition). The design of
``asl/template-submission.asl.json`` (the status event resumes the wait; each round
polls once, the rounds growing from 10 minutes to 24 hours) is measured for reviews of
several lengths, with the event and without it, and compared with the cheapest fixed
5-minute poll run on the same runtime: Validate → Create → Wait 5 min → check (still
PENDING: back to the Wait) → done. That loop's review ends on its 288th check, which is
24 hours of 5-minute polls whatever the handlers' own (real) run time.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from tasks.templates import api
from workflows.catalog import ServiceFunction
from workflows.local.lambdas import REGISTRY
from workflows.local.runtime import LocalRuntime
from workflows.local.standins.social_messaging import ReviewPlan
from workflows.local.templates_feature import templates_of

DAY = 86400
# A status event takes real time to arrive (SNS, then a Lambda: 0.1 to 0.7 s here), which
# the clock counts as simulated time; each review runs at a speed where that delay is
# small next to its polling round. At 1/10,000, 24 simulated hours pass in 8.6 s.
REVIEWS = (  # (label, simulated seconds of review, event delivered, time scale)
    ("5 min, event", 300, True, 0.01),
    ("1 h, event", 3600, True, 0.001),
    ("24 h, event", DAY, True, 0.0001),
    ("24 h, no event (poll only)", DAY, False, 0.0001),
)
FIXED_POLL_SCALE = 0.0001
FIXED_POLL_SECONDS = 300
GOAL = 12
CHECK_FUNCTION = "wecare-bench-check-template-status"
SUBMISSION = {
    "metaWabaId": "1347766229904230",
    "category": "UTILITY",
    "language": "en_US",
    "components": [{"type": "BODY", "text": "Your order {{1}} has been confirmed.",
                    "example": {"body_text": [["ORD-1042"]]}}],
}



class TemplateStillPending(Exception):
    """The fixed poll's check: Meta has not decided yet."""


def check_template_status(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The fixed-poll loop's check task: one GetWhatsAppMessageTemplate."""
    found = api.get_template(event["wabaId"], event["metaTemplateId"])
    if found["status"] == "PENDING":
        raise TemplateStillPending(f"template {event['metaTemplateId']} is still PENDING")
    return {"templateStatus": found["status"]}


def fixed_poll_definition(substitutions: dict[str, str], check_arn: str) -> str:
    """template-submission's validate and create tasks, then a plain fixed-interval poll."""
    return json.dumps({
        "StartAt": "ValidateTemplate",
        "TimeoutSeconds": 3 * DAY,
        "States": {
            "ValidateTemplate": {
                "Type": "Task", "Resource": substitutions["ValidateTemplateFunctionArn"],
                "Parameters": {"request.$": "$", "executionArn.$": "$$.Execution.Id"},
                "ResultPath": "$", "Next": "CreateTemplate",
            },
            "CreateTemplate": {
                "Type": "Task", "Resource": substitutions["CreateTemplateFunctionArn"],
                "Parameters": {"tenant.$": "$.tenant", "template.$": "$.template",
                               "executionArn.$": "$$.Execution.Id"},
                "ResultPath": "$.submission", "Next": "WaitBeforeCheck",
            },
            "WaitBeforeCheck": {"Type": "Wait", "Seconds": FIXED_POLL_SECONDS,
                                "Next": "CheckTemplate"},
            "CheckTemplate": {
                "Type": "Task", "Resource": check_arn,
                "Parameters": {"wabaId.$": "$.tenant.wabaId",
                               "metaTemplateId.$": "$.submission.metaTemplateId"},
                "ResultPath": "$.verdict",
                "Catch": [{"ErrorEquals": ["TemplateStillPending"], "ResultPath": "$.poll",
                           "Next": "WaitBeforeCheck"}],
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    })


def transitions(history: list[dict[str, Any]]) -> int:
    entered = sum(1 for e in history if e["type"].endswith("StateEntered"))
    attempts = sum(1 for e in history if e["type"] in ("LambdaFunctionScheduled",
                                                         "TaskScheduled"))
    tasks_entered = sum(1 for e in history if e["type"] == "TaskStateEntered")
    return entered + (attempts - tasks_entered)


def run_once(runtime: LocalRuntime, state_machine_arn: str, name: str, plan: ReviewPlan) -> int:
    templates_of(runtime).plan_review(plan, template_name=name)
    arn = runtime.client("stepfunctions").start_execution(
        stateMachineArn=state_machine_arn, input=json.dumps({**SUBMISSION, "templateName": name})
    )["executionArn"]
    described = runtime.wait_for(arn, timeout=600)
    if described["status"] != "SUCCEEDED":
        raise RuntimeError(f"{arn} ended {described['status']}: {described.get('cause')}")
    return transitions(runtime.history(arn))


def _fixed_poll_machine(runtime: LocalRuntime) -> str:
    """Registers the check Lambda and the fixed-poll state machine on the runtime."""
    assert runtime.services is not None
    REGISTRY.register(ServiceFunction(CHECK_FUNCTION, "bench_templates.check_template_status",
                                      "benchmark: fixed-interval template check", "direct"))
    role = f"arn:aws:iam::{runtime.account_id}:role/wecare-flows-local"
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("README.txt", "runs in-process\n")
    check_arn = runtime.client("lambda").create_function(
        FunctionName=CHECK_FUNCTION, Runtime="python3.12", Role=role, Handler="x.handler",
        Code={"ZipFile": code.getvalue()},
    )["FunctionArn"]
    return runtime.client("stepfunctions").create_state_machine(
        name="template-submission-fixed-5min-poll",
        definition=fixed_poll_definition(runtime.services.substitutions, check_arn),
        roleArn=role,
    )["stateMachineArn"]


def run() -> dict[str, Any]:
    by_review: dict[str, int] = {}
    for n, (label, seconds, event, scale) in enumerate(REVIEWS):
        with LocalRuntime(time_scale=scale, log_level="ERROR") as runtime:
            design = runtime.state_machine_arns["template-submission"]
            by_review[label] = run_once(runtime, design, f"bench_review_{n}",
                                        ReviewPlan(after_seconds=seconds, send_event=event))
    with LocalRuntime(time_scale=FIXED_POLL_SCALE, log_level="ERROR") as runtime:
        fixed = run_once(runtime, _fixed_poll_machine(runtime), "bench_fixed_poll",
                         ReviewPlan(after_polls=DAY // FIXED_POLL_SECONDS))
    event_24h = by_review["24 h, event"]
    return {
        "review_hours": DAY // 3600,
        "transitions_by_review": by_review,
        "transitions_24h_event": event_24h,
        "transitions_24h_poll_only": by_review["24 h, no event (poll only)"],
        "transitions_fixed_5min_poll": fixed,
        "ratio": round(event_24h / fixed, 4),
        "goal": GOAL,
        "goal_met": event_24h <= GOAL,
    }


def report(figures: dict[str, Any]) -> list[str]:
    lines = ["template-submission, state transitions of the wait for Meta's verdict:"]
    for label, count in figures["transitions_by_review"].items():
        lines.append(f"  review {label:<30} {count:>5}")
    lines += [
        f"  fixed 5-minute poll, 24 h review      {figures['transitions_fixed_5min_poll']:>5}",
        f"  ratio (24 h, event / fixed poll)      {figures['ratio']:>8}",
        f"  goal: at most {figures['goal']} for a 24 h review       "
        f"{'met' if figures['goal_met'] else 'NOT MET'}",
    ]
    return lines


if __name__ == "__main__":
    print("\n".join(report(run())))
