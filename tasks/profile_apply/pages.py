"""The pages of the approval link: the request with its two forms, the confirmation, and
one page for each reason a link cannot be used."""

from __future__ import annotations

from typing import Any

from tasks.profile_apply import errors
from tasks.profile_apply.decisions import DecisionOutcome
from tasks.profile_apply.emails import deadline_text
from tasks.profile_apply.rendering import (
    diff_table,
    document,
    esc,
    facts_html,
    request_facts,
    steps_html,
)

WHAT_TO_DO = {
    errors.LinkTampered: "Open the link exactly as it came in the e-mail; if your mail program "
    "split it across lines, copy all of it. Nothing was changed.",
    errors.LinkExpired: "Nothing was changed. If the change is still wanted, ask the requester "
    "to send it again; you will get new links.",
    errors.ApprovalNotFound: "Nothing was changed. Use the newest e-mail about this change.",
    errors.ApprovalAlreadyUsed: "Nothing more to do: a link works once.",
    errors.ApprovalSuperseded: "Nothing was changed. Use the links in the e-mail about the newer "
    "version.",
    errors.ApprovalClosed: "Nothing more to do: the change was already decided.",
    errors.ApprovalLate: "Nothing was changed: the workflow had already ended (it timed out or "
    "was stopped). If the change is still wanted, ask for it to be sent again.",
    errors.NotTheApprover: "Nothing was changed. Use the link e-mailed to you.",
    errors.FormForged: "Nothing was changed. Open the link from your e-mail again and decide on "
    "that page.",
    errors.ReasonRequired: "Nothing was changed. Go back, write why the change is rejected, and "
    "send it again.",
}


def approval_page(
    request: dict[str, Any],
    approval: dict[str, Any],
    form_token: str,
    intent: str,
) -> str:
    deadline = deadline_text(approval["expiresAt"])
    needed, received = int(request["approvalsRequired"]), int(request.get("approvalsReceived", 0))
    counting = (
        f"This change needs {needed} approvals ({received} so far); one rejection ends it."
        if needed > 1 else "One approval applies this change; a rejection ends it."
    )
    title = f"Business profile v{request['version']} for {request['tenantName']}"
    hidden = f"<input type='hidden' name='csrf' value='{esc(form_token)}'>"
    body = (
        f"<h1>{esc(title)}</h1>"
        f"<p class='notice'>You are deciding as <b>{esc(approval['approver'])}</b>. This link "
        f"is yours and works once, until {esc(deadline)}. {esc(counting)}</p>"
        f"{facts_html(request_facts(request))}"
        f"<h2>What changes</h2>{diff_table(request.get('diff') or [])}"
        f"<h2>How to apply it</h2>{steps_html(request.get('steps') or [])}"
        f"<form method='post' id='apply' class='{'chosen' if intent != 'reject' else ''}'>"
        f"{hidden}<input type='hidden' name='decision' value='apply'>"
        "<label for='comment'>Applied in the console? Mark it applied.</label>"
        "<textarea id='comment' name='comment' maxlength='1000' "
        "placeholder='Comment (optional): what you did, anything to know'></textarea>"
        "<p><button type='submit' class='apply'>Mark applied</button></p></form>"
        f"<form method='post' id='reject' class='{'chosen' if intent == 'reject' else ''}'>"
        f"{hidden}<input type='hidden' name='decision' value='reject'>"
        "<label for='reason'>Cannot or should not be applied? Reject it.</label>"
        "<textarea id='reason' name='reason' maxlength='1000' required "
        "placeholder='Reason (required): the requester reads it'></textarea>"
        "<p><button type='submit' class='reject'>Reject</button></p></form>"
    )
    return document(title, body)


def decided_page(outcome: DecisionOutcome) -> str:
    approval, request = outcome.approval, outcome.request
    if outcome.verdict == "REJECTED":
        title, tone = "Rejected", "warn"
        summary = "The change is rejected; the requester and the operators are told why."
    elif not outcome.settled:
        title, tone = "Approval recorded", "ok"
        summary = (f"{outcome.approvals_received} of {outcome.approvals_required} approvals "
                   "received; the change is applied when the others have approved.")
    else:
        title, tone = "Marked applied", "ok"
        summary = "The change is recorded as applied; the operators are told."
    facts = [
        ("Version", f"v{request['version']} of {request['tenantName']}"),
        ("Decided by", approval["approver"]),
        ("Decided at", approval.get("decidedAt", "")),
        ("Reason" if outcome.verdict == "REJECTED" else "Comment", approval.get("note") or "—"),
        ("From address", approval.get("sourceAddress") or "—"),
        ("Approval id", approval["approvalId"]),
    ]
    body = (
        f"<h1>{esc(title)}</h1><p class='notice {tone}'>{esc(summary)}</p>{facts_html(facts)}"
        "<p class='muted'>This link is now used; opening it again says so.</p>"
    )
    return document(title, body)


def refused_page(refusal: errors.DecisionRefused) -> str:
    what_to_do = WHAT_TO_DO.get(type(refusal), "Nothing was changed.")
    said = str(refusal)
    sentence = said[:1].upper() + said[1:] + ("" if said.endswith(".") else ".")
    body = (
        f"<h1>{esc(refusal.title)}</h1>"
        f"<p class='notice warn'>{esc(sentence)}</p><p>{esc(what_to_do)}</p>"
    )
    return document(refusal.title, body)


def not_found_page() -> str:
    body = ("<h1>Nothing here</h1><p>This address serves the approval links that wecare-flows "
            "e-mails to approvers. Open the link from your e-mail.</p>")
    return document("wecare-flows approvals", body)
