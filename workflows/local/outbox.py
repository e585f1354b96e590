"""The local outbox: every e-mail the runtime's SES sent, for a person or a test to read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moto.ses.models import ses_backends


@dataclass(frozen=True)
class Email:
    message_id: str
    sender: str
    to: tuple[str, ...]
    subject: str
    body: str

    def as_json(self) -> dict[str, Any]:
        return {
            "messageId": self.message_id,
            "from": self.sender,
            "to": list(self.to),
            "subject": self.subject,
            "body": self.body,
        }


class Outbox:
    def __init__(self, account_id: str, region: str) -> None:
        self.account_id, self.region = account_id, region

    def messages(self) -> list[Email]:
        backend = ses_backends[self.account_id][self.region]
        emails = []
        for message in list(backend.sent_messages):
            destinations = getattr(message, "destinations", {}) or {}
            if isinstance(destinations, dict):
                to = tuple(a for addresses in destinations.values() for a in addresses)
            else:
                to = tuple(destinations)
            emails.append(
                Email(
                    message_id=message.id,
                    sender=message.source,
                    to=to,
                    subject=getattr(message, "subject", "") or "",
                    body=getattr(message, "body", None) or getattr(message, "raw_data", ""),
                )
            )
        return emails

    def find(self, subject_contains: str) -> list[Email]:
        return [m for m in self.messages() if subject_contains in m.subject]
