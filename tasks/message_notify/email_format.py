"""The runbook's notification e-mails (section 2), as text and as HTML.

* inbound: subject ``[WECARE] Inbound from {sender_name} ({sender_number})``; the sender,
  the business (tenant, number, WABA, phone number id), the message id, text or caption,
  other contents, and media links;
* outbound: subject ``[WECARE] Outbound to {receiver_number}``; the receiver, the same
  business block with WABA, phone number id and message id, text or caption, media links.

Media links are presigned S3 GET links valid for at most an hour.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass

from tasks.messages.schema import Media, MessageEvent

LINK_LIFETIME_SECONDS = 3600
UNKNOWN_SENDER = "Unknown"


@dataclass(frozen=True)
class MediaLink:
    media: Media
    url: str  # empty when there is nothing to link to; media.error then says why


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    is_link: bool = False


Section = tuple[str, list[Row]]


@dataclass(frozen=True)
class NotificationEmail:
    to: list[str]
    subject: str
    text: str
    html: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def subject_of(event: MessageEvent) -> str:
    number = event.customer.number
    if event.direction == "inbound":
        name = _one_line(event.customer.name)[:64] or UNKNOWN_SENDER
        return f"[WECARE] Inbound from {name} ({number})"
    return f"[WECARE] Outbound to {number}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def sections(event: MessageEvent, links: list[MediaLink]) -> list[Section]:
    """The e-mail as titled sections of (label, value) rows; the two formats render it."""
    inbound = event.direction == "inbound"
    business, customer, message = event.business, event.customer, event.message
    party = [Row("Name", customer.name or UNKNOWN_SENDER)] if inbound else []
    party.append(Row("Number", customer.number))
    waba = business.metaWabaId + (f" ({business.wabaId})" if business.wabaId else "")
    kind = message.type if message.supported else f"{message.type} (not supported)"
    facts = [
        Row("Message id", message.messageId),
        Row("Type", kind),
        Row("Received" if inbound else "Sent", event.occurredAt),
    ]
    if message.caption:
        facts.append(Row("Caption", message.caption))
    if message.text:
        facts.append(Row("Text", message.text))
    facts += [Row(detail.label, detail.value) for detail in message.details]
    result: list[Section] = [
        ("Sender" if inbound else "Receiver", party),
        (
            "Business",
            [
                Row("Name", business.displayName or business.tenantId),
                Row("Number", business.phoneNumber),
                Row("Tenant", business.tenantId),
                Row("WABA", waba),
                Row("Phone number id", business.phoneNumberId),
            ],
        ),
        ("Message", facts),
    ]
    if links:
        minutes = LINK_LIFETIME_SECONDS // 60
        media_rows = [_link_row(link) for link in links]
        result.append((f"Media (links valid for {minutes} minutes)", media_rows))
    return result


def _link_row(link: MediaLink) -> Row:
    media = link.media
    label = media.kind + (f" ({media.mimeType})" if media.mimeType else "")
    if media.fileName:
        label += f" {media.fileName}"
    if link.url:
        return Row(label, link.url, is_link=True)
    return Row(label, f"not available: {media.error or 'the media was not stored'}")


def notification_email(
    event: MessageEvent, links: list[MediaLink], to: list[str]
) -> NotificationEmail:
    business = event.business.displayName or event.business.tenantId
    heading = (
        f"Inbound WhatsApp message for {business}"
        if event.direction == "inbound"
        else f"Outbound WhatsApp message from {business}"
    )
    body = sections(event, links)
    return NotificationEmail(
        to=to,
        subject=subject_of(event),
        text=_text(heading, body, event.eventId),
        html=_html(heading, body, event.eventId),
    )


def _text(heading: str, body: list[Section], event_id: str) -> str:
    lines = [heading, ""]
    for title, rows in body:
        lines.append(title)
        for row in rows:
            if "\n" in row.value:
                lines.append(f"  {row.label}:")
                lines += [f"    {part}" for part in row.value.splitlines()]
            else:
                lines.append(f"  {row.label + ':':<17} {row.value}")
        lines.append("")
    lines.append(f"Event id: {event_id}")
    return "\n".join(lines) + "\n"


def _html(heading: str, body: list[Section], event_id: str) -> str:
    parts = [
        "<!doctype html><html><body style='font-family:sans-serif'>",
        f"<h2>{html.escape(heading)}</h2>",
    ]
    for title, rows in body:
        parts.append(f"<h3>{html.escape(title)}</h3><table>")
        for row in rows:
            if row.is_link:
                shown = f"<a href='{html.escape(row.value, quote=True)}'>open</a>"
            else:
                shown = html.escape(row.value).replace("\n", "<br>")
            parts.append(
                f"<tr><th align='left' valign='top'>{html.escape(row.label)}</th>"
                f"<td>{shown}</td></tr>"
            )
        parts.append("</table>")
    parts.append(f"<p style='color:#777'>Event id: {html.escape(event_id)}</p></body></html>")
    return "".join(parts)
