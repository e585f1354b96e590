"""E-mail the operations address how a template submission ended, and what to do next."""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.environment import setting
from tasks.common.mail import send_email
from tasks.template_submission.advice import failure_advice, rejection_advice

logger = Logger(service="template-submission")

NUMBERED_PROBLEM = re.compile(r"; (?=\(\d+\) )")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outcome = event["outcome"]
    logger.append_keys(execution=outcome.get("executionArn"), tenant=outcome.get("tenantId"))
    subject = _subject(outcome)
    message_id = send_email([setting("OPS_NOTIFY_TO")], subject, _body(outcome))
    logger.info("Sent the submission notice", extra={"outcome": outcome["outcome"]})
    return {"messageId": message_id, "subject": subject}


def _subject(outcome: dict[str, Any]) -> str:
    which = f"{outcome.get('templateName') or '(unnamed)'} ({outcome.get('language') or '?'})"
    kind = outcome["outcome"]
    if kind == "APPROVED":
        return f"[WECARE] Template {which} approved"
    if kind == "REJECTED":
        code = (outcome.get("reason") or "no reason given").split(":", 1)[0]
        return f"[WECARE] Template {which} rejected: {code}"
    if kind == "NOT_APPROVED":
        return f"[WECARE] Template {which} is {outcome.get('templateStatus')}"
    return f"[WECARE] Template {which} not submitted: {outcome.get('error')}"


def _body(outcome: dict[str, Any]) -> str:
    lines = [_headline(outcome), ""]
    for label, name in (
        ("Tenant", "tenantId"), ("WABA (Meta)", "metaWabaId"), ("Template", "templateName"),
        ("Language", "language"), ("Category", "category"), ("Meta template id", "metaTemplateId"),
        ("Status", "templateStatus"), ("Reason", "reason"), ("Decided by", "decidedBy"),
        ("Decided at", "decidedAt"), ("Execution", "executionArn"),
    ):
        if outcome.get(name):
            lines.append(f"{label + ':':<18}{outcome[name]}")
    if outcome.get("recommendation"):
        lines += ["", f"Meta recommends: {outcome['recommendation']}"]
    if outcome.get("error"):
        lines += ["", f"Error: {outcome['error']}", *_cause_lines(outcome.get("cause", ""))]
    if outcome.get("warnings"):
        lines += ["", "Warnings:", *(f"  - {w}" for w in outcome["warnings"])]
    lines += ["", "What to do:", *(f"  - {step}" for step in _next_steps(outcome))]
    return "\n".join(lines) + "\n"


def _headline(outcome: dict[str, Any]) -> str:
    kind = outcome["outcome"]
    if kind == "APPROVED":
        return "Meta approved the template; it can be sent now."
    if kind == "REJECTED":
        return "Meta rejected the template."
    if kind == "NOT_APPROVED":
        return f"Meta ended the review with status {outcome.get('templateStatus')}."
    return "The template submission did not complete."


def _cause_lines(cause: str) -> list[str]:
    """The cause, with a TemplateInvalid's numbered rules one per line."""
    parts = NUMBERED_PROBLEM.split(cause)
    return [f"  {part}" for part in parts]


def _next_steps(outcome: dict[str, Any]) -> list[str]:
    kind = outcome["outcome"]
    if kind == "APPROVED":
        return ["Nothing: the template is cached as APPROVED (wecare-flows templates "
                "--status APPROVED)."]
    if kind == "REJECTED":
        return rejection_advice(outcome.get("reason"))
    values = {"tenantId": outcome.get("tenantId") or "TENANT",
              "executionArn": outcome.get("executionArn", "")}
    return [step.format(**values) for step in failure_advice(outcome.get("error", ""))]
