"""What the profile-apply tests share: starting a change, reading the outbox, and an
approver's browser (a WSGI client on the runtime's ``/approvals`` page, with cookies)."""

from __future__ import annotations

import re
from typing import Any, TypeVar
from urllib.parse import urlsplit

from werkzeug.test import Client, TestResponse

from tests.waiting import wait_until
from workflows.local.outbox import Email
from workflows.local.runtime import LocalRuntime

T = TypeVar("T")

TENANT = "wecare-digital"
PHONE = "phone-number-id-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
APPROVER = "approver@wecare.digital"
OPS = "ops@wecare.digital"
CHANGE = {"tenantId": TENANT, "phoneNumberId": PHONE, "about": "Trips made simple",
          "description": "WECARE.DIGITAL books travel on WhatsApp.", "requestedBy": "ops-desk"}
LINK = re.compile(r"href='(http[^']+/approvals/a/[^'?]+)\?intent=(apply|reject)'")
APPROVAL_ID = re.compile(r"apv-[0-9a-f]{20}")


def start_change(runtime: LocalRuntime, **fields: Any) -> str:
    """Start the workflow with ``CHANGE`` and ``fields`` (a field given as None is left out)."""
    execution_input = {k: v for k, v in {**CHANGE, **fields}.items() if v is not None}
    return runtime.start_execution("profile-apply", execution_input)


def approval_emails(runtime: LocalRuntime, version: int | None = None,
                    to: str | None = None) -> list[Email]:
    subject = f"business profile v{version} " if version else "business profile v"
    return [m for m in runtime.outbox.find("[WECARE] Approval needed")
            if subject in m.subject and (to is None or to in m.to)]


def wait_for_approval_email(runtime: LocalRuntime, version: int = 1,
                            to: str = APPROVER) -> Email:
    return wait_until(lambda: approval_emails(runtime, version, to),
                      f"the approval e-mail of v{version} to {to}")[-1]


def links_in(email: Email) -> dict[str, str]:
    """The e-mail's two links by intent: ``{"apply": url, "reject": url}`` (without ?intent)."""
    found = {intent: url for url, intent in LINK.findall(email.body)}
    assert set(found) == {"apply", "reject"}, email.body
    return found


def approval_id_in(email: Email) -> str:
    match = APPROVAL_ID.search(email.body)
    assert match, email.body
    return match.group(0)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Approver:
    """An approver's browser on the runtime's approval page: keeps cookies like a browser."""

    def __init__(self, runtime: LocalRuntime) -> None:
        self.client = Client(runtime.mounts["/approvals"])

    def open(self, url: str) -> TestResponse:
        return self.client.get(path_of(url))

    def form_token(self, url: str) -> str:
        page = self.open(url)
        assert page.status_code == 200, page.text
        match = re.search(r"name='csrf' value='([^']+)'", page.text)
        assert match, page.text
        return match.group(1)

    def post(self, url: str, form: dict[str, str], **headers: str) -> TestResponse:
        return self.client.post(path_of(url), data=form, headers=headers)

    def decide(self, url: str, decision: str, text: str = "") -> TestResponse:
        """Open the page, then post its form: what a person does."""
        field = "reason" if decision == "reject" else "comment"
        return self.post(url, {"csrf": self.form_token(url), "decision": decision, field: text})


def request_record(runtime: LocalRuntime, version: int, tenant: str = TENANT,
                   phone: str = PHONE) -> dict[str, Any]:
    key = {"PK": f"PROFILE#{tenant}", "SK": f"PHONE#{phone}#VERSION#{version:06d}"}
    return runtime.table().get_item(Key=key, ConsistentRead=True)["Item"]


def approval_record(runtime: LocalRuntime, approval_id: str) -> dict[str, Any]:
    key = {"PK": f"APPROVAL#{approval_id}", "SK": "APPROVAL"}
    return runtime.table().get_item(Key=key, ConsistentRead=True)["Item"]


def profile_items(runtime: LocalRuntime, tenant: str = TENANT) -> list[dict[str, Any]]:
    return runtime.table().query(
        KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": f"PROFILE#{tenant}"}
    )["Items"]


def decisions(runtime: LocalRuntime, tenant: str = TENANT) -> list[dict[str, Any]]:
    return [i for i in profile_items(runtime, tenant) if i["SK"].startswith("DECISION#")]


def status_of(runtime: LocalRuntime, arn: str) -> str:
    return runtime.client("stepfunctions").describe_execution(executionArn=arn)["status"]


def history_text(runtime: LocalRuntime, arn: str) -> str:
    return repr(runtime.history(arn))
