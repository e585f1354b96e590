"""``approvals``, ``audit``, ``approve`` and ``reject``: business-profile approvals at a terminal.

The CLI goes through the endpoint, never through task code: it invokes the runbook's
action Lambda, which decides with the same code and checks as the approval page. On
AWS the approver is the caller's AWS identity (``sts get-caller-identity``); on the
embedded runtime ``--as`` names one of the tenant's approvers.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import click

from workflows.cli.connection import Connection, aws_errors
from workflows.cli.errors import BadInput, CliError, NotFound, ServiceError
from workflows.settings import load_settings

ACTION_FUNCTION = "base-wecare-digital-whatsapp"
NOT_FOUND_ERRORS = ("ApprovalNotFound", "NoProfileRequest", "UnknownTenant")


def invoke_action(connection: Connection, payload: dict[str, Any]) -> dict[str, Any]:
    """One call of the action Lambda; a refusal becomes a one-line CLI error."""
    with aws_errors(connection):
        response = connection.client("lambda").invoke(
            FunctionName=ACTION_FUNCTION, Payload=json.dumps(payload).encode()
        )
    body = json.loads(response["Payload"].read() or b"{}")
    if response.get("FunctionError"):
        raise ServiceError(f"{ACTION_FUNCTION} failed: {body.get('errorType')}: "
                           f"{body.get('errorMessage')}")
    if not body.get("ok"):
        refusal: type[CliError] = NotFound if body.get("error") in NOT_FOUND_ERRORS else BadInput
        raise refusal(f"{body.get('error')}: {body.get('message')}")
    return body


def tenant_ids(tenant: str | None) -> list[str]:
    return [tenant] if tenant else [t.tenant_id for t in load_settings().tenants]


def deciding_as(connection: Connection, as_email: str | None) -> dict[str, str]:
    """Who decides: ``--as`` on the embedded runtime, the caller's AWS identity on AWS."""
    if connection.is_local:
        if not as_email:
            approvers = sorted({a for t in load_settings().tenants for a in t.approvers})
            raise BadInput("say who you are with --as EMAIL, one of the approvers: "
                           f"{', '.join(approvers)}")
        return {"approver": as_email}
    if as_email:
        raise BadInput("--as is for the embedded runtime; on AWS you decide as your AWS "
                       "identity (aws sts get-caller-identity)")
    with aws_errors(connection):
        identity = connection.client("sts").get_caller_identity()["Arn"]
    return {"identity": identity}


@click.command()
@click.option("--tenant", help="tenantId or metaWabaId (default: every tenant in cdk.json)")
@click.option("--status", help="only approvals (or requests) with this status, e.g. PENDING")
@click.option("--json", "as_json", is_flag=True, help="the rows as JSON")
@click.pass_obj
def approvals(connection: Connection, tenant: str | None, status: str | None,
              as_json: bool) -> None:
    """Business-profile changes and their approvals, newest first."""
    rows: list[dict[str, Any]] = []
    for tenant_id in tenant_ids(tenant):
        payload = {"action": "list_business_profile_approvals", "tenantId": tenant_id,
                   "status": status or ""}
        rows += invoke_action(connection, payload)["approvals"]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no business-profile approvals")
        return
    click.echo(f"{'APPROVAL ID':<26}{'TENANT':<16}{'VER':>4}  {'APPROVER':<28}{'STATUS':<11}"
               f"{'REQUEST':<15}WHEN")
    for row in rows:
        when = row["decidedAt"] or f"due {row['deadline']}"
        click.echo(f"{row['approvalId']:<26}{row['tenantId']:<16}{row['version']:>4}  "
                   f"{row['approver']:<28}{row['status']:<11}{row['requestStatus']:<15}{when}")


@click.command()
@click.option("--tenant", help="tenantId or metaWabaId (default: every tenant in cdk.json)")
@click.option("--json", "as_json", is_flag=True, help="the decisions as JSON")
@click.pass_obj
def audit(connection: Connection, tenant: str | None, as_json: bool) -> None:
    """Every recorded decision: who, what, when, from where, on which execution."""
    decisions: list[dict[str, Any]] = []
    for tenant_id in tenant_ids(tenant):
        payload = {"action": "list_business_profile_decisions", "tenantId": tenant_id}
        decisions += invoke_action(connection, payload)["decisions"]
    decisions.sort(key=lambda d: d["decidedAt"], reverse=True)
    if as_json:
        click.echo(json.dumps(decisions, indent=2))
        return
    if not decisions:
        click.echo("no decisions recorded")
        return
    for d in decisions:
        note = d.get("comment") or d.get("reason") or ""
        click.echo(f"{d['decidedAt']}  {d['decision']:<8} {d['tenantId']} v{d['version']} "
                   f"{d['phoneNumberId']}  by {d['approver']} via {d['channel']} "
                   f"from {d['sourceAddress'] or '?'}  approval {d['approvalId']}")
        if note:
            click.echo(f"{'':22}{'reason' if d['decision'] == 'REJECTED' else 'comment'}: {note}")
        click.echo(f"{'':22}execution {d['executionArn']}")


@click.command()
@click.argument("approval_id")
@click.option("--comment", default="", help="what you did, anything to know")
@click.option("--as", "as_email", metavar="EMAIL", help="embedded runtime only: which approver")
@click.pass_obj
def approve(connection: Connection, approval_id: str, comment: str, as_email: str | None) -> None:
    """Mark the change of APPROVAL_ID applied (after applying it in the console)."""
    _decide(connection, "mark_business_profile_applied", approval_id, as_email,
            {"comment": comment})


@click.command()
@click.argument("approval_id")
@click.option("--reason", required=True, help="why it is rejected; the requester reads it")
@click.option("--as", "as_email", metavar="EMAIL", help="embedded runtime only: which approver")
@click.pass_obj
def reject(connection: Connection, approval_id: str, reason: str, as_email: str | None) -> None:
    """Reject the change of APPROVAL_ID, with the reason."""
    if not reason.strip():
        raise BadInput("--reason must say why the change is rejected")
    _decide(connection, "reject_business_profile_change", approval_id, as_email,
            {"reason": reason})


def _decide(connection: Connection, action_name: str, approval_id: str,
            as_email: str | None, text: dict[str, str]) -> None:
    payload = {"action": action_name, "approvalId": approval_id, "channel": "cli",
               "source": f"cli:{socket.gethostname()}", **deciding_as(connection, as_email),
               **text}
    result = invoke_action(connection, payload)
    version = f"version {result['version']} of {result['tenantId']}"
    if result["decision"] == "REJECTED":
        click.echo(f"{version} rejected by {result['approver']} (approval {approval_id})")
    elif result["settled"]:
        click.echo(f"{version} marked applied by {result['approver']} (approval {approval_id})")
    else:
        click.echo(f"{version}: approval recorded, {result['approvalsReceived']} of "
                   f"{result['approvalsRequired']}; it is applied when the others approve")
    if result.get("executionArn"):
        click.echo(f"follow it: wecare-flows watch {result['executionArn']}")
