"""Meta's rules for each component of a template: HEADER, BODY, FOOTER, BUTTONS.

Limits: body ≤ 1,024 characters, header text and footer ≤ 60, at most 10 buttons (quick
reply ≤ 10, URL ≤ 2, phone number ≤ 1, copy code ≤ 1), button label ≤ 25 (this last one
from third parties, not from Meta's own page).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from tasks.templates.examples import check_examples
from tasks.templates.problems import Problems
from tasks.templates.variables import Variables, find_variables, warn_on_edges

BODY_MAX = 1024
HEADER_TEXT_MAX = 60
FOOTER_MAX = 60
BUTTON_TEXT_MAX = 25
BUTTONS_MAX = 10
BUTTON_TYPE_LIMITS = {"QUICK_REPLY": 10, "URL": 2, "PHONE_NUMBER": 1, "COPY_CODE": 1, "OTP": 1}
BUTTON_TYPES = (*BUTTON_TYPE_LIMITS, "FLOW", "CATALOG", "MPM")
HEADER_FORMATS = ("TEXT", "IMAGE", "VIDEO", "GIF", "DOCUMENT", "LOCATION")
OTP_TYPES = ("COPY_CODE", "ONE_TAP", "ZERO_TAP")
URL = re.compile(r"^https?://\S+$")
PHONE = re.compile(r"^\+[1-9][0-9]{6,18}$")
COPY_CODE_MAX = 15


def check_text_length(component: str, text: str, limit: int, problems: Problems) -> None:
    if len(text) > limit:
        problems.add(
            component, "length", f"{len(text):,} characters",
            f"the text has {len(text):,} characters; WhatsApp allows {limit:,}",
        )


def check_body(body: dict[str, Any], authentication: bool, problems: Problems) -> Variables:
    text = body.get("text")
    if authentication:
        if text:
            problems.add("BODY", "authentication body", text,
                         "authentication templates take no body text (Meta writes it); "
                         'remove "text" and set "add_security_recommendation" if wanted')
        return Variables((), "")
    if not isinstance(text, str) or not text.strip():
        problems.add("BODY", "text required", text, 'the BODY component needs a non-empty "text"')
        return Variables((), "")
    check_text_length("BODY", text, BODY_MAX, problems)
    variables = find_variables("BODY", text, problems)
    warn_on_edges("BODY", variables, problems)
    check_examples("BODY", "body_text", variables, body.get("example"), problems)
    return variables


def check_header(header: dict[str, Any], problems: Problems) -> Variables:
    header_format = str(header.get("format") or "TEXT").upper()
    header["format"] = header_format
    if header_format not in HEADER_FORMATS:
        problems.add("HEADER", "format", header.get("format"),
                     f"format must be one of {', '.join(HEADER_FORMATS)}")
        return Variables((), "")
    if header_format == "TEXT":
        return _check_text_header(header, problems)
    if header.get("text"):
        problems.add("HEADER", "media header text", header["text"],
                     f'a {header_format} header has no "text"; remove it')
    example = header.get("example")
    handle = example.get("header_handle") if isinstance(example, dict) else None
    if header_format != "LOCATION" and not (isinstance(handle, list) and handle):
        problems.add(
            "HEADER", "example values", header_format,
            f'a {header_format} header needs a sample: upload one with '
            'CreateWhatsAppMessageTemplateMedia and add "example": {"header_handle": '
            '["<metaHeaderHandle>"]}',
        )
    return Variables((), "")


def _check_text_header(header: dict[str, Any], problems: Problems) -> Variables:
    text = header.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.add("HEADER", "text required", text, 'a TEXT header needs a non-empty "text"')
        return Variables((), "")
    check_text_length("HEADER", text, HEADER_TEXT_MAX, problems)
    variables = find_variables("HEADER", text, problems)
    if len(set(variables.names)) > 1:
        problems.add("HEADER", "variables", text,
                     f"a header takes at most 1 variable; this one has {len(variables.names)}")
    check_examples("HEADER", "header_text", variables, header.get("example"), problems)
    return variables


def check_footer(footer: dict[str, Any], authentication: bool, problems: Problems) -> None:
    text = footer.get("text")
    if authentication:
        minutes = footer.get("code_expiration_minutes")
        if text or not isinstance(minutes, int) or not 1 <= minutes <= 90:
            problems.add("FOOTER", "authentication footer", footer,
                         'an authentication footer takes only "code_expiration_minutes" '
                         "(1 to 90) and no text")
        return
    if not isinstance(text, str) or not text.strip():
        problems.add("FOOTER", "text required", text, 'the FOOTER component needs a "text"')
        return
    check_text_length("FOOTER", text, FOOTER_MAX, problems)
    if "{{" in text:
        problems.add("FOOTER", "variables", text, "a footer cannot contain variables")


def check_buttons(component: dict[str, Any], authentication: bool, problems: Problems) -> None:
    buttons = component.get("buttons")
    if not isinstance(buttons, list) or not buttons:
        problems.add("BUTTONS", "buttons required", buttons,
                     'the BUTTONS component needs a non-empty "buttons" list')
        return
    if len(buttons) > BUTTONS_MAX:
        problems.add("BUTTONS", "button count", f"{len(buttons)} buttons",
                     f"a template has at most {BUTTONS_MAX} buttons; this one has {len(buttons)}")
    kinds = Counter()
    for index, button in enumerate(buttons, start=1):
        if not isinstance(button, dict):
            problems.add(f"BUTTONS[{index}]", "shape", button, "each button is a JSON object")
            continue
        button["type"] = str(button.get("type", "")).upper()
        kinds[button["type"]] += 1
        _check_button(f"BUTTONS[{index}]", button, problems)
    for kind, limit in BUTTON_TYPE_LIMITS.items():
        if kinds[kind] > limit:
            problems.add("BUTTONS", "button count", f"{kinds[kind]} {kind}",
                         f"a template has at most {limit} {kind} button(s); "
                         f"this one has {kinds[kind]}")
    if authentication and kinds["OTP"] != 1:
        problems.add("BUTTONS", "authentication button", dict(kinds),
                     "an authentication template needs exactly one OTP button")
    if not authentication and kinds["OTP"]:
        problems.add("BUTTONS", "authentication button", "OTP",
                     "OTP buttons belong to AUTHENTICATION templates only")


def _check_button(where: str, button: dict[str, Any], problems: Problems) -> None:
    kind = button["type"]
    if kind not in BUTTON_TYPES:
        problems.add(where, "button type", kind,
                     f"type must be one of {', '.join(BUTTON_TYPES)}")
        return
    text = button.get("text")
    if kind in ("QUICK_REPLY", "URL", "PHONE_NUMBER") and (
        not isinstance(text, str) or not text.strip()
    ):
        problems.add(where, "button text", text, f'a {kind} button needs a "text" label')
    elif isinstance(text, str) and len(text) > BUTTON_TEXT_MAX:
        problems.add(where, "button text", text,
                     f"the label has {len(text)} characters; WhatsApp allows {BUTTON_TEXT_MAX}")
    if kind == "URL":
        _check_url_button(where, button, problems)
    elif kind == "PHONE_NUMBER" and not PHONE.match(str(button.get("phone_number", ""))):
        problems.add(where, "phone number", button.get("phone_number"),
                     'write "phone_number" in E.164 with the country code, e.g. +919330994400')
    elif kind == "COPY_CODE":
        code = button.get("example")
        if not isinstance(code, str) or not 1 <= len(code) <= COPY_CODE_MAX:
            problems.add(where, "example values", code,
                         f'a COPY_CODE button needs an "example" code of 1 to {COPY_CODE_MAX} '
                         "characters")
    elif kind == "OTP" and button.get("otp_type") not in OTP_TYPES:
        problems.add(where, "otp type", button.get("otp_type"),
                     f"otp_type must be one of {', '.join(OTP_TYPES)}")


def _check_url_button(where: str, button: dict[str, Any], problems: Problems) -> None:
    url = button.get("url")
    if not isinstance(url, str) or not URL.match(url):
        problems.add(where, "url", url, 'a URL button needs a "url" starting with https://')
        return
    variables = find_variables(where, url, problems)
    if not variables.names:
        return
    if len(variables.names) > 1 or not url.endswith("}}"):
        problems.add(where, "url variable", url,
                     "a URL takes one variable, {{1}}, at its very end")
    example = button.get("example")
    if not (isinstance(example, list) and example and URL.match(str(example[0]))):
        problems.add(where, "example values", url,
                     'a URL with a variable needs "example": ["<the full URL with a sample '
                     'value>"]')
