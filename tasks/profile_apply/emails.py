"""The e-mails of the workflow: the approval request, the reminder, and the outcome.

Each has a text part and an HTML part whose links are clickable. Links carry a signed
approval id; the task token never appears in an e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tasks.profile_apply import links
from tasks.profile_apply.rendering import (
    diff_table,
    diff_text,
    document,
    esc,
    facts_html,
    facts_text,
    request_facts,
    steps_html,
    steps_text,
)


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def deadline_text(epoch_seconds: int) -> str:
    return datetime.fromtimestamp(int(epoch_seconds), UTC).strftime("%Y-%m-%d %H:%M UTC")


def _title(request: dict[str, Any]) -> str:
    return f"business profile v{request['version']} for {request['tenantName']}"


def approval_request(request: dict[str, Any], approval: dict[str, Any]) -> Message:
    """To one approver: what changes, how to apply it, and the approver's own two links."""
    subject = f"[WECARE] Approval needed: {_title(request)}"
    return _approval_message(subject, request, approval, reminder=False)


def reminder(request: dict[str, Any], approval: dict[str, Any]) -> Message:
    deadline = deadline_text(approval["expiresAt"])
    subject = f"[WECARE] Reminder: {_title(request)} expires {deadline}"
    return _approval_message(subject, request, approval, reminder=True)


def _approval_message(
    subject: str, request: dict[str, Any], approval: dict[str, Any], reminder: bool
) -> Message:
    apply_url = links.approval_url(approval["approvalId"], approval["expiresAt"], "apply")
    reject_url = links.approval_url(approval["approvalId"], approval["expiresAt"], "reject")
    deadline = deadline_text(approval["expiresAt"])
    needed = int(request["approvalsRequired"])
    opening = (
        "This change is still waiting for your decision." if reminder
        else "A change to a WhatsApp business profile needs you to apply it and mark it applied."
    )
    counting = (
        f"It needs {needed} approvals; any one rejection ends it." if needed > 1
        else "One approval applies it; a rejection ends it."
    )
    cli = (
        f"wecare-flows approve {approval['approvalId']} --comment '...'",
        f"wecare-flows reject {approval['approvalId']} --reason '...'",
    )
    facts = [*request_facts(request), ("Deadline", deadline),
             ("Approval id", approval["approvalId"])]

    text = "\n".join(
        [
            opening,
            "",
            facts_text(facts),
            "",
            "What changes (field by field):",
            diff_text(request.get("diff") or []),
            "",
            "How to apply it:",
            steps_text(request.get("steps") or []),
            "",
            f"Mark applied: {apply_url}",
            f"Reject:       {reject_url}",
            "",
            f"These links are yours ({approval['approver']}); each works once, until {deadline}. "
            f"{counting}",
            "Opening a link only shows the request; nothing is decided until you confirm "
            "on the page.",
            f"At a terminal instead: {cli[0]}",
            f"                       {cli[1]}",
        ]
    )
    body = (
        f"<h1>{esc(_title(request).capitalize())}</h1>"
        f"<p class='notice{' warn' if reminder else ''}'>{esc(opening)}</p>"
        f"{facts_html(facts)}"
        f"<h2>What changes</h2>{diff_table(request.get('diff') or [])}"
        f"<h2>How to apply it</h2>{steps_html(request.get('steps') or [])}"
        "<p>"
        f"<a class='button apply' href='{esc(apply_url)}'>Mark applied</a> &nbsp; "
        f"<a class='button reject' href='{esc(reject_url)}'>Reject</a></p>"
        f"<p><small>These links are yours ({esc(approval['approver'])}); each works once, "
        f"until {esc(deadline)}. {esc(counting)} Opening a link only shows the request; "
        "nothing is decided until you confirm on the page.</small></p>"
        f"<p><small>At a terminal instead: <code>{esc(cli[0])}</code> or "
        f"<code>{esc(cli[1])}</code></small></p>"
    )
    return Message(subject, text + "\n", document(subject, body))


OUTCOME_WORDS = {
    "APPLIED": "was applied",
    "REJECTED": "was rejected",
    "EXPIRED": "expired without a decision",
    "SUPERSEDED": "was superseded by a newer request",
    "FAILED": "failed",
}


def outcome(result: dict[str, Any]) -> Message:
    """To the operators (and approvers): how a request ended, who decided, what next."""
    status = result["status"]
    subject = (
        f"[WECARE] Business profile v{result['version']} for {result['tenantName']} "
        f"{OUTCOME_WORDS.get(status, status.lower())}"
    )
    facts = [*request_facts(result), ("Status", status)]
    facts += [(name, value) for name, value in _outcome_facts(result) if value]
    next_steps = _next_steps(result)
    text = "\n".join(
        [
            subject.removeprefix("[WECARE] ") + ".",
            "",
            facts_text(facts),
            "",
            "Fields of this request:",
            diff_text(result.get("diff") or []),
            "",
            "What next:",
            *[f"  - {step}" for step in next_steps],
        ]
    )
    tone = {"APPLIED": " ok", "REJECTED": " warn", "EXPIRED": " warn", "FAILED": " warn"}
    body = (
        f"<h1>{esc(subject.removeprefix('[WECARE] '))}</h1>"
        f"<p class='notice{tone.get(status, '')}'>Status: <b>{esc(status)}</b></p>"
        f"{facts_html(facts)}<h2>Fields of this request</h2>{diff_table(result.get('diff') or [])}"
        "<h2>What next</h2><ul>" + "".join(f"<li>{esc(s)}</li>" for s in next_steps) + "</ul>"
    )
    return Message(subject, text + "\n", document(subject, body))


def _outcome_facts(result: dict[str, Any]) -> list[tuple[str, Any]]:
    return [
        ("Decided by", result.get("decidedBy")),
        ("Decided at", result.get("decidedAt")),
        ("Comment", result.get("comment")),
        ("Reason", result.get("reason")),
        ("Superseded by", f"v{result['supersededBy']}" if result.get("supersededBy") else ""),
        ("Error", result.get("error")),
        ("Execution", result.get("executionArn")),
    ]


def _next_steps(result: dict[str, Any]) -> list[str]:
    history = f"wecare-flows history {result.get('executionArn', 'ARN')}"
    steps = {
        "APPLIED": ["Nothing: the profile is recorded as applied.", f"Timeline: {history}"],
        "REJECTED": [
            "Read the reason, correct the request, and send it again "
            "(update_business_profile or wecare-flows start profile-apply).",
        ],
        "EXPIRED": [
            "Nobody decided before the deadline. If the change is still wanted, send it again; "
            "check that the approvers in cdk.json (wecare:tenants) receive these e-mails.",
        ],
        "SUPERSEDED": ["Nothing: the newer request carries the change; its links are the ones "
                       "to use."],
        "FAILED": [f"Read the execution's timeline: {history}",
                   "Send the request again once the cause is fixed."],
    }
    return steps.get(result["status"], [f"Read the execution's timeline: {history}"])
