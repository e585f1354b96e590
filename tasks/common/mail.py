"""Sending e-mail through SES v2."""

from __future__ import annotations

from botocore.exceptions import ClientError

from tasks.common.clients import client
from tasks.common.environment import setting
from tasks.common.errors import TaskError, transient_error


class EmailRejected(TaskError):
    """SES refused the message (unverified identity, paused account, bad address)."""


def send_email(to: list[str], subject: str, text: str, html: str | None = None) -> str:
    """Send one e-mail from ``SES_SENDER_EMAIL``; returns the SES message id."""
    body: dict[str, dict[str, str]] = {"Text": {"Data": text, "Charset": "UTF-8"}}
    if html is not None:
        body["Html"] = {"Data": html, "Charset": "UTF-8"}
    try:
        response = client("sesv2").send_email(
            FromEmailAddress=setting("SES_SENDER_EMAIL"),
            Destination={"ToAddresses": to},
            Content={"Simple": {"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": body}},
        )
    except ClientError as exc:
        raise transient_error(exc, "SES SendEmail") or EmailRejected(
            f"SES refused the e-mail {subject!r}: {exc}"
        ) from exc
    return response["MessageId"]
