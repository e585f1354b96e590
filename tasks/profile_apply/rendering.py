"""Pieces shared by the approval e-mails and the approval page: escaped HTML and text."""

from __future__ import annotations

import html
from typing import Any

from tasks.profile_apply.profile import display_value

STYLE = (
    "body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1d2733;"
    "max-width:46em;margin:0 auto;padding:1.5em;line-height:1.45}"
    "h1{font-size:1.45em;margin:.2em 0 .6em}h2{font-size:1.1em;margin-top:1.6em}"
    "table.diff{border-collapse:collapse;width:100%}"
    "table.diff th,table.diff td{border:1px solid #d3dae3;padding:.45em .6em;text-align:left;"
    "vertical-align:top;white-space:pre-wrap}"
    "table.diff th{background:#f1f4f8}td.old{background:#fff1f0;color:#6b2b26}"
    "td.new{background:#eefbf1;color:#1d5a2e}"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1em}"
    "dl.facts dt{color:#5a6775}dl.facts dd{margin:0}"
    ".notice{border-left:4px solid #3b6fd8;background:#f3f6fd;padding:.6em .9em}"
    ".warn{border-left-color:#c0392b;background:#fdf3f2}"
    ".ok{border-left-color:#23884a;background:#f0faf3}"
    "a.button,button{display:inline-block;border:0;border-radius:6px;padding:.6em 1.1em;"
    "font-size:1em;font-weight:600;text-decoration:none;cursor:pointer}"
    ".apply{background:#23884a;color:#fff}.reject{background:#c0392b;color:#fff}"
    "textarea{width:100%;min-height:4.5em;font:inherit;box-sizing:border-box}"
    "form{margin:1em 0;padding:1em;border:1px solid #d3dae3;border-radius:8px}"
    "form.chosen{border-color:#3b6fd8;box-shadow:0 0 0 2px #c9d8f7}"
    "label{font-weight:600;display:block;margin-bottom:.3em}"
    "small,.muted{color:#5a6775}"
)


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def document(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


def diff_table(diff: list[dict[str, Any]]) -> str:
    if not diff:
        return "<p>No field differs from the last applied profile.</p>"
    rows = "".join(
        f"<tr><th scope='row'>{esc(change['label'])}</th>"
        f"<td class='old'>{esc(_applied_text(change))}</td>"
        f"<td class='new'>{esc(display_value(change['requested']))}</td></tr>"
        for change in diff
    )
    return (
        "<table class='diff'><thead><tr><th>Field</th><th>Last applied</th>"
        f"<th>Requested</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def diff_text(diff: list[dict[str, Any]]) -> str:
    if not diff:
        return "  No field differs from the last applied profile."
    lines = []
    for change in diff:
        lines.append(f"  {change['label']}:")
        lines.append(f"    last applied: {_applied_text(change)}")
        lines.append(f"    requested:    {display_value(change['requested'])}")
    return "\n".join(lines)


def steps_html(steps: list[str]) -> str:
    return "<ol>" + "".join(f"<li>{esc(step)}</li>" for step in steps) + "</ol>"


def steps_text(steps: list[str]) -> str:
    return "\n".join(f"  {number}. {step}" for number, step in enumerate(steps, 1))


def facts_html(facts: list[tuple[str, Any]]) -> str:
    return (
        "<dl class='facts'>"
        + "".join(f"<dt>{esc(name)}</dt><dd>{esc(value)}</dd>" for name, value in facts)
        + "</dl>"
    )


def facts_text(facts: list[tuple[str, Any]]) -> str:
    width = max(len(name) for name, _ in facts) + 2
    return "\n".join(f"  {name + ':':<{width}}{value}" for name, value in facts)


def request_facts(request: dict[str, Any]) -> list[tuple[str, Any]]:
    return [
        ("Tenant", f"{request['tenantName']} ({request['tenantId']})"),
        ("WhatsApp account", f"{request['wabaId']} (Meta WABA {request['metaWabaId']})"),
        ("Phone number id", request["phoneNumberId"]),
        ("Version", request["version"]),
        ("Requested by", request.get("requestedBy") or "(not given)"),
        ("Requested at", request["requestedAt"]),
    ]


def _applied_text(change: dict[str, Any]) -> str:
    if not change.get("appliedKnown"):
        return "(not recorded yet)"
    return display_value(change["applied"])
