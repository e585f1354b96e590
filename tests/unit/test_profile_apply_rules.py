"""WhatsApp's business-profile limits, the field-by-field diff, and the reminder's timing."""

from __future__ import annotations

import pytest

from tasks.profile_apply.errors import InvalidProfile
from tasks.profile_apply.profile import VERTICALS, profile_diff, validate_profile
from tasks.profile_apply.request_input import reminder_lead


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"about": ""}, "about has 0 characters; WhatsApp allows 1 to 139"),
        ({"about": "a" * 140}, "about has 140 characters; WhatsApp allows 1 to 139"),
        ({"address": "a" * 257}, "address has 257 characters; WhatsApp allows at most 256"),
        ({"description": "d" * 513},
         "description has 513 characters; WhatsApp allows at most 512"),
        ({"email": "e" * 120 + "@wecare.digital"},
         "email has 135 characters; WhatsApp allows at most 128"),
        ({"email": "ops.wecare.digital"}, "email 'ops.wecare.digital' is not an e-mail address"),
        ({"websites": ["https://a.example", "https://b.example", "https://c.example"]},
         "websites has 3 entries; WhatsApp allows at most 2"),
        ({"websites": ["wecare.digital"]},
         "websites[0] 'wecare.digital' must start with http:// or https://"),
        ({"websites": ["https://" + "w" * 250]},
         "websites[0] has 258 characters; WhatsApp allows at most 256"),
        ({"websites": "https://wecare.digital"}, "websites must be a list of URLs"),
        ({"vertical": "travel"}, "vertical 'travel' is not one of Meta's verticals"),
        ({"about": 42}, "about must be text, not int"),
        ({}, "no profile field to change"),
    ],
)
def test_each_limit_is_named_with_the_field_and_the_number(fields, message) -> None:
    with pytest.raises(InvalidProfile) as refused:
        validate_profile(fields)
    assert message in str(refused.value)


def test_a_profile_at_every_limit_is_accepted() -> None:
    fields = {
        "about": "a" * 139,
        "address": "a" * 256,
        "description": "d" * 512,
        "email": "e" * 112 + "@wecare.digital",
        "websites": ["https://wecare.digital", "http://" + "w" * 249],
        "vertical": "TRAVEL",
    }
    assert validate_profile({**fields, "tenantId": "wecare-digital"}) == fields


def test_every_meta_vertical_is_accepted() -> None:
    for vertical in VERTICALS:
        assert validate_profile({"vertical": vertical}) == {"vertical": vertical}


def test_emptying_optional_fields_is_a_change() -> None:
    assert validate_profile({"address": "", "websites": []}) == {"address": "", "websites": []}


def test_diff_lists_changed_fields_only_with_the_applied_value() -> None:
    applied = {"about": "Old", "description": "Same", "websites": ["https://a.example"]}
    requested = {"about": "New", "description": "Same", "websites": []}

    diff = [change.as_json() for change in profile_diff(applied, requested)]

    assert diff == [
        {"field": "about", "label": "About", "applied": "Old", "requested": "New",
         "appliedKnown": True},
        {"field": "websites", "label": "Websites", "applied": ["https://a.example"],
         "requested": [], "appliedKnown": True},
    ]


def test_diff_without_an_applied_profile_marks_the_current_value_unknown() -> None:
    [change] = profile_diff(None, {"about": "New"})
    assert change.applied is None and change.applied_known is False


@pytest.mark.parametrize(
    ("deadline", "lead"),
    [(7 * 86400, 86400), (30 * 86400, 86400), (700, 100), (3600, 514), (60, 8)],
)
def test_the_reminder_goes_a_day_before_or_a_seventh_of_a_shorter_deadline(
    deadline, lead
) -> None:
    assert reminder_lead(deadline) == lead
