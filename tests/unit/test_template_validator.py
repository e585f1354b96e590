"""The template validator: every rule of Meta's with a good case and a bad case, and every
broken rule reported at once with its component, its rule and the value."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tasks.templates.errors import TemplateInvalid
from tasks.templates.validator import template_problems, validate_template
from tests.workflow.template_flow import RUNBOOK_PAYLOAD

BODY = {"type": "BODY", "text": "Your order {{1}} has been confirmed. Total: {{2}}.",
        "example": {"body_text": [["ORD-1042", "Rs 499"]]}}


def template(*components: dict[str, Any], **fields: Any) -> dict[str, Any]:
    request = {"metaWabaId": "1347766229904230", "templateName": "order_confirmation",
               "category": "UTILITY", "language": "en_US",
               "components": [copy.deepcopy(c) for c in components] or [copy.deepcopy(BODY)]}
    request.update(fields)
    return request


def rules(request: dict[str, Any]) -> list[tuple[str, str]]:
    problems, _ = template_problems(request)
    return [(p.component, p.rule) for p in problems]


def body(text: str, *examples: str) -> dict[str, Any]:
    component: dict[str, Any] = {"type": "BODY", "text": text}
    if examples:
        component["example"] = {"body_text": [list(examples)]}
    return component


def buttons(*items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "BUTTONS", "buttons": list(items)}


def quick_reply(text: str = "Yes") -> dict[str, Any]:
    return {"type": "QUICK_REPLY", "text": text}


def test_a_valid_template_becomes_the_meta_definition() -> None:
    # GIVEN a utility template with a body, examples, a header, a footer and buttons
    request = template(
        {"type": "header", "format": "TEXT", "text": "Order {{1}}",
         "example": {"header_text": ["ORD-1042"]}},
        BODY,
        {"type": "FOOTER", "text": "WECARE.DIGITAL"},
        buttons(quick_reply("Thanks"), {"type": "URL", "text": "Track",
                                        "url": "https://wecare.digital/track/{{1}}",
                                        "example": ["https://wecare.digital/track/ORD-1042"]}),
        language="en-US", allowCategoryChange=True,
    )

    # WHEN it is validated
    valid = validate_template(request)

    # THEN the definition is Meta's JSON: types upper-cased, language with an underscore
    assert valid.definition["name"] == "order_confirmation"
    assert valid.definition["language"] == "en_US"
    assert valid.definition["parameter_format"] == "POSITIONAL"
    assert valid.definition["allow_category_change"] is True
    assert [c["type"] for c in valid.definition["components"]] == [
        "HEADER", "BODY", "FOOTER", "BUTTONS"]
    assert valid.warnings == ()


def test_the_runbook_payload_is_refused_with_the_example_to_add() -> None:
    # GIVEN the runbook's own eum_create_template payload, which has no example values
    # WHEN it is validated
    with pytest.raises(TemplateInvalid) as refused:
        validate_template(RUNBOOK_PAYLOAD)

    # THEN the one broken rule says exactly what to add, and where
    assert str(refused.value) == (
        "template 'order_confirmation' breaks 1 rule of WhatsApp: (1) BODY · example values: "
        "the text uses {{1}}, {{2}} but gives no example values; add \"example\": "
        "{\"body_text\": [[\"example for {{1}}\", \"example for {{2}}\"]]} to the BODY "
        "component"
    )


def test_every_broken_rule_is_reported_at_once_with_component_rule_and_value() -> None:
    # GIVEN a template that breaks four rules in three places
    request = template(body("x" * 1100), {"type": "FOOTER", "text": "f" * 61},
                       templateName="Order-Confirmation", category="TRANSACTIONAL")

    # WHEN it is validated
    problems, _ = template_problems(request)

    # THEN all four come back together, each naming the component, the rule and the value
    assert [(p.component, p.rule, p.value) for p in problems] == [
        ("template", "name", "Order-Confirmation"),
        ("template", "category", "TRANSACTIONAL"),
        ("BODY", "length", "1,100 characters"),
        ("FOOTER", "length", "61 characters"),
    ]
    assert "the text has 1,100 characters; WhatsApp allows 1,024" in problems[2].message


@pytest.mark.parametrize(("name", "ok"), [
    ("order_confirmation", True), ("otp_2fa_v2", True), ("a" * 512, True),
    ("Order-Confirmation", False), ("order confirmation", False), ("", False), ("a" * 513, False),
])
def test_name_is_lowercase_letters_digits_and_underscores(name: str, ok: bool) -> None:
    assert (("template", "name") not in rules(template(templateName=name))) is ok


@pytest.mark.parametrize(("category", "ok"), [
    ("UTILITY", True), ("MARKETING", True), ("marketing", True), ("TRANSACTIONAL", False),
    (None, False),
])
def test_category_is_utility_marketing_or_authentication(category: Any, ok: bool) -> None:
    assert (("template", "category") not in rules(template(category=category))) is ok


@pytest.mark.parametrize(("language", "ok"), [
    ("en_US", True), ("en-US", True), ("hi", True), ("pt_BR", True), ("en_us", False),
    ("english", False), ("", False),
])
def test_language_is_one_of_metas_codes(language: str, ok: bool) -> None:
    assert (("template", "language") not in rules(template(language=language))) is ok


def test_a_wrong_language_code_suggests_the_codes_of_that_language() -> None:
    [problem], _ = template_problems(template(language="en_us"))
    assert "did you mean en, en_GB, en_US?" in problem.message


def test_a_body_is_required() -> None:
    assert ("BODY", "body required") in rules(template({"type": "FOOTER", "text": "Thanks"}))
    assert ("BODY", "text required") in rules(template({"type": "BODY", "text": " "}))
    assert rules(template(body("Hello from WECARE."))) == []


@pytest.mark.parametrize(("length", "ok"), [(1024, True), (1025, False)])
def test_body_has_at_most_1024_characters(length: int, ok: bool) -> None:
    assert (("BODY", "length") not in rules(template(body("b" * length)))) is ok


@pytest.mark.parametrize(("length", "ok"), [(60, True), (61, False)])
def test_header_text_has_at_most_60_characters(length: int, ok: bool) -> None:
    header = {"type": "HEADER", "format": "TEXT", "text": "h" * length}
    assert (("HEADER", "length") not in rules(template(header, BODY))) is ok


@pytest.mark.parametrize(("length", "ok"), [(60, True), (61, False)])
def test_footer_has_at_most_60_characters(length: int, ok: bool) -> None:
    footer = {"type": "FOOTER", "text": "f" * length}
    assert (("FOOTER", "length") not in rules(template(BODY, footer))) is ok


def test_a_footer_has_no_variables() -> None:
    assert ("FOOTER", "variables") in rules(template(BODY, {"type": "FOOTER", "text": "Hi {{1}}"}))


def test_a_header_takes_one_variable_with_its_example() -> None:
    one = {"type": "HEADER", "text": "Order {{1}}", "example": {"header_text": ["ORD-1"]}}
    two = {"type": "HEADER", "text": "{{1}} for {{2}}", "example": {"header_text": ["a", "b"]}}
    bare = {"type": "HEADER", "text": "Order {{1}}"}
    assert rules(template(one, BODY)) == []
    assert ("HEADER", "variables") in rules(template(two, BODY))
    assert ("HEADER", "example values") in rules(template(bare, BODY))


def test_a_media_header_needs_a_sample_handle() -> None:
    image = {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1n"]}}
    assert rules(template(image, BODY)) == []
    assert ("HEADER", "example values") in rules(template({"type": "HEADER", "format": "IMAGE"},
                                                          BODY))
    assert ("HEADER", "format") in rules(template({"type": "HEADER", "format": "AUDIO"}, BODY))


@pytest.mark.parametrize(("text", "examples", "ok"), [
    ("Order {{1}} costs {{2}}.", ("A", "B"), True),
    ("Order {{1}} costs {{3}}.", ("A", "B"), False),
    ("Order {{2}} is ready.", ("A",), False),
])
def test_positional_variables_run_from_1_without_gaps(text: str, examples: tuple, ok: bool) -> None:
    assert (("BODY", "variable numbering") not in rules(template(body(text, *examples)))) is ok


def test_a_gap_is_named_in_the_message() -> None:
    problems, _ = template_problems(template(body("Order {{1}} costs {{3}}.", "A", "B")))
    numbering = next(p for p in problems if p.rule == "variable numbering")
    assert numbering.message.startswith("the variables are {{1}}, {{3}}, so {{2}} is missing")


@pytest.mark.parametrize(("text", "ok"), [
    ("Order {{1}} for {{2}}.", True),
    ("Order {{1}}{{2}}.", False),
    ("Order {{1}} {{2}}.", False),
])
def test_variables_are_never_adjacent(text: str, ok: bool) -> None:
    request = template(body(text, "A", "B"))
    assert (("BODY", "adjacent variables") not in rules(request)) is ok


@pytest.mark.parametrize(("text", "ok"), [
    ("Hi {{first_name}}, welcome.", True), ("Hi {{ 1 }}, welcome.", False),
    ("Hi {{FirstName}}, welcome.", False), ("Hi {{0}}, welcome.", False),
])
def test_a_variable_is_a_number_or_a_lowercase_name(text: str, ok: bool) -> None:
    component = {"type": "BODY", "text": text, "example": {
        "body_text": [["Asha"]],
        "body_text_named_params": [{"param_name": "first_name", "example": "Asha"}]}}
    assert (("BODY", "variable format") not in rules(template(component))) is ok


def test_named_variables_need_named_examples_and_set_the_named_format() -> None:
    # GIVEN a body with a named variable, first without and then with its example
    bare = {"type": "BODY", "text": "Hi {{first_name}}, your order is ready."}
    named = {**bare, "example": {"body_text_named_params": [
        {"param_name": "first_name", "example": "Asha"}]}}

    # THEN the bare one is refused with the named example to add
    problems, _ = template_problems(template(bare))
    assert [p.rule for p in problems] == ["example values"]
    assert '{"param_name": "first_name", "example": "..."}' in problems[0].message
    # AND the complete one is valid and NAMED
    assert validate_template(template(named)).definition["parameter_format"] == "NAMED"


def test_one_template_uses_one_kind_of_variable() -> None:
    mixed = {"type": "BODY", "text": "Hi {{first_name}}, order {{1}} is ready.", "example": {
        "body_text": [["A"]], "body_text_named_params": [{"param_name": "first_name",
                                                          "example": "Asha"}]}}
    assert ("template", "parameter format") in rules(template(mixed))
    assert ("template", "parameter format") in rules(template(parameterFormat="NAMED"))
    assert ("template", "parameter format") in rules(template(parameterFormat="LOOSE"))
    assert rules(template(parameterFormat="positional")) == []


@pytest.mark.parametrize(("example", "ok"), [
    ({"body_text": [["ORD-1", "Rs 499"]]}, True),
    (None, False),
    ({"body_text": [["ORD-1"]]}, False),
    ({"body_text": [["ORD-1", " "]]}, False),
])
def test_every_variable_has_an_example_value(example: Any, ok: bool) -> None:
    component = {"type": "BODY", "text": BODY["text"]}
    if example is not None:
        component["example"] = example
    assert (("BODY", "example values") not in rules(template(component))) is ok


def test_a_variable_at_the_end_is_a_warning_not_an_error() -> None:
    # Meta is said to reject it (third parties); the runbook's own sample does it.
    valid = validate_template(template(body("Your total is {{1}}", "Rs 499")))
    assert valid.warnings == ("BODY: the text ends with a variable; Meta may reject it as "
                              "INVALID_FORMAT, so consider ending with a word or a full stop",)


def test_components_are_a_list_of_known_types_each_once() -> None:
    assert ("template", "components") in rules(template(components=[]))
    assert ("components[2]", "type") in rules(template(BODY, {"type": "CAROUSEL"}))
    assert ("BODY", "one per template") in rules(template(BODY, BODY))


@pytest.mark.parametrize(("items", "ok"), [
    ([quick_reply(f"Option {n}") for n in range(10)], True),
    ([quick_reply(f"Option {n}") for n in range(11)], False),
])
def test_at_most_ten_buttons(items: list, ok: bool) -> None:
    assert (("BUTTONS", "button count") not in rules(template(BODY, buttons(*items)))) is ok


@pytest.mark.parametrize(("kind", "allowed"), [("URL", 2), ("PHONE_NUMBER", 1), ("COPY_CODE", 1)])
def test_each_kind_of_button_has_its_limit(kind: str, allowed: int) -> None:
    one = {"URL": {"type": "URL", "text": "Open", "url": "https://wecare.digital"},
           "PHONE_NUMBER": {"type": "PHONE_NUMBER", "text": "Call",
                            "phone_number": "+919330994400"},
           "COPY_CODE": {"type": "COPY_CODE", "example": "SAVE10"}}[kind]
    assert rules(template(BODY, buttons(*[one] * allowed))) == []
    assert ("BUTTONS", "button count") in rules(template(BODY, buttons(*[one] * (allowed + 1))))


@pytest.mark.parametrize(("label", "ok"), [("a" * 25, True), ("a" * 26, False), ("", False)])
def test_a_button_label_has_at_most_25_characters(label: str, ok: bool) -> None:
    assert (("BUTTONS[1]", "button text") not in rules(
        template(BODY, buttons(quick_reply(label))))) is ok


def test_a_url_takes_one_variable_at_its_end_with_an_example() -> None:
    good = {"type": "URL", "text": "Track", "url": "https://wecare.digital/t/{{1}}",
            "example": ["https://wecare.digital/t/ORD-1"]}
    middle = {**good, "url": "https://wecare.digital/{{1}}/track"}
    bare = {key: value for key, value in good.items() if key != "example"}
    assert rules(template(BODY, buttons(good))) == []
    assert ("BUTTONS[1]", "url variable") in rules(template(BODY, buttons(middle)))
    assert ("BUTTONS[1]", "example values") in rules(template(BODY, buttons(bare)))
    assert ("BUTTONS[1]", "url") in rules(template(BODY, buttons({**good, "url": "wecare"})))


def test_a_phone_button_number_has_its_country_code() -> None:
    call = {"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "9330994400"}
    assert ("BUTTONS[1]", "phone number") in rules(template(BODY, buttons(call)))


def test_authentication_templates_have_metas_own_shape() -> None:
    # GIVEN Meta's authentication shape: no body text, an expiry footer, one OTP button
    good = template(
        {"type": "BODY", "add_security_recommendation": True},
        {"type": "FOOTER", "code_expiration_minutes": 10},
        buttons({"type": "OTP", "otp_type": "COPY_CODE"}),
        category="AUTHENTICATION", templateName="login_code",
    )
    assert rules(good) == []
    # THEN body text, a header, or a missing OTP button are refused
    assert ("BODY", "authentication body") in rules(
        template(body("Your code is 1234."), buttons({"type": "OTP", "otp_type": "COPY_CODE"}),
                 category="AUTHENTICATION"))
    assert ("BUTTONS", "authentication button") in rules(
        template({"type": "BODY"}, buttons(quick_reply()), category="AUTHENTICATION"))
    assert ("HEADER", "authentication header") in rules(
        template({"type": "HEADER", "text": "Code"}, {"type": "BODY"},
                 buttons({"type": "OTP", "otp_type": "ONE_TAP"}), category="AUTHENTICATION"))
    # AND an OTP button outside an authentication template is refused
    assert ("BUTTONS", "authentication button") in rules(
        template(BODY, buttons({"type": "OTP", "otp_type": "COPY_CODE"})))


def test_the_definition_fits_the_6000_byte_blob() -> None:
    many = [quick_reply("a" * 25) for _ in range(10)]
    big = template(body("b" * 1024), {"type": "FOOTER", "text": "f" * 60}, buttons(*many))
    assert ("template", "size") not in rules(big)
    padded = {**BODY, "example": {"body_text": [["ORD-1", "x" * 6000]]}}
    assert ("template", "size") in rules(template(padded))
