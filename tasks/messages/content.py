"""What an inbound Meta message holds, by type, as the notifier shows it.

Meta's webhook message is ``{"from", "id", "timestamp", "type", <type>: {...}}``. Each
known type becomes text, a caption, media to fetch, and labelled details; any other type
is kept as it came, marked unsupported, with a line saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasks.messages.schema import Detail, Media, Message

MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")


def e164(number: str) -> str:
    """Meta's ``wa_id``/``from`` are digits without ``+``; the project keeps ``+E.164``."""
    digits = "".join(ch for ch in str(number) if ch.isdigit())
    return f"+{digits}" if digits else ""


def message_content(raw: dict[str, Any]) -> Message:
    kind = str(raw.get("type") or "unknown")
    parse = PARSERS.get(kind, _unsupported)
    message = Message(messageId=str(raw.get("id", "")), type=kind)
    parse(message, raw)
    replied_to = (raw.get("context") or {}).get("id")
    if replied_to:
        message.details.append(Detail(label="In reply to", value=str(replied_to)))
    return message


def _text(message: Message, raw: dict[str, Any]) -> None:
    message.text = str((raw.get("text") or {}).get("body", ""))


def _media(message: Message, raw: dict[str, Any]) -> None:
    body = raw.get(message.type) or {}
    message.caption = str(body.get("caption", ""))
    message.media.append(
        Media(
            kind=message.type,
            mediaId=str(body.get("id", "")),
            mimeType=str(body.get("mime_type", "")),
            fileName=str(body.get("filename", "")),
        )
    )
    if message.type == "audio" and body.get("voice"):
        message.details.append(Detail(label="Voice note", value="yes"))
    if message.type == "sticker" and body.get("animated"):
        message.details.append(Detail(label="Animated", value="yes"))


def _location(message: Message, raw: dict[str, Any]) -> None:
    place = raw.get("location") or {}
    latitude, longitude = place.get("latitude"), place.get("longitude")
    message.details.append(Detail(label="Location", value=f"{latitude}, {longitude}"))
    for label, key in (("Place", "name"), ("Address", "address"), ("Link", "url")):
        if place.get(key):
            message.details.append(Detail(label=label, value=str(place[key])))
    message.details.append(
        Detail(label="Map", value=f"https://maps.google.com/?q={latitude},{longitude}")
    )


def _contacts(message: Message, raw: dict[str, Any]) -> None:
    for card in raw.get("contacts") or []:
        name = (card.get("name") or {}).get("formatted_name", "(no name)")
        phones = ", ".join(p.get("phone", "") for p in card.get("phones") or [] if p.get("phone"))
        message.details.append(Detail(label="Contact", value=f"{name}: {phones or 'no phone'}"))


def _interactive(message: Message, raw: dict[str, Any]) -> None:
    interactive = raw.get("interactive") or {}
    reply_type = str(interactive.get("type", ""))
    reply = interactive.get(reply_type) or {}
    title = reply.get("title") or reply.get("body") or reply.get("name") or ""
    message.text = str(title)
    labels = {"list_reply": "Menu choice", "button_reply": "Button"}
    message.details.append(
        Detail(label=labels.get(reply_type, "Reply"), value=f"{title} (id {reply.get('id', '')})")
    )
    if reply.get("description"):
        message.details.append(Detail(label="Description", value=str(reply["description"])))


def _button(message: Message, raw: dict[str, Any]) -> None:
    button = raw.get("button") or {}
    message.text = str(button.get("text", ""))
    message.details.append(
        Detail(label="Button", value=f"{button.get('text', '')} (payload {button.get('payload')})")
    )


def _reaction(message: Message, raw: dict[str, Any]) -> None:
    reaction = raw.get("reaction") or {}
    emoji = reaction.get("emoji") or "(reaction removed)"
    message.text = str(emoji)
    message.details.append(Detail(label="Reaction", value=str(emoji)))
    message.details.append(Detail(label="To message", value=str(reaction.get("message_id", ""))))


def _unsupported(message: Message, raw: dict[str, Any]) -> None:
    message.supported = False
    reasons = "; ".join(
        str(error.get("title") or error.get("message") or "") for error in raw.get("errors") or []
    )
    note = (
        f"This WhatsApp message type ({message.type!r}) is not shown by the notifier; "
        "read it in WhatsApp."
    )
    message.details.append(Detail(label="Note", value=note))
    if reasons:
        message.details.append(Detail(label="Meta says", value=reasons))


PARSERS: dict[str, Callable[[Message, dict[str, Any]], None]] = {
    "text": _text,
    **dict.fromkeys(MEDIA_TYPES, _media),
    "location": _location,
    "contacts": _contacts,
    "interactive": _interactive,
    "button": _button,
    "reaction": _reaction,
}
