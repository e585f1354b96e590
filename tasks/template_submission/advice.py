"""What an operator should do after each way a submission can end."""

from __future__ import annotations

# Meta's rejection reasons (message_template_status_update ``reason``).
REJECTION_ADVICE = {
    "INVALID_FORMAT": "Check the variables: numbered {{1}}, {{2}} … without gaps, never "
    "next to each other, not at the very start or end of the text, each with a realistic "
    "example; check for stray braces, emoji in the header, or malformed links.",
    "INCORRECT_CATEGORY": "The content does not fit the category: promotional wording "
    "belongs in MARKETING, order and account updates in UTILITY. Change the category or "
    "the wording (allowCategoryChange lets Meta re-categorize instead of rejecting).",
    "CATEGORY_NOT_AVAILABLE": "This category is not available to the WABA; check the "
    "business verification and the category rules in WhatsApp Manager.",
    "PROMOTIONAL": "UTILITY templates must not promote; remove offers and calls to buy, or "
    "submit it as MARKETING.",
    "TAG_CONTENT_MISMATCH": "The text does not match the language or category it is "
    "tagged with; check that the language code is the language the text is written in.",
    "ABUSIVE_CONTENT": "Meta judged the content abusive; rewrite it within the WhatsApp "
    "Business Messaging Policy. Repeated rejections can restrict the account.",
    "SCAM": "Meta judged the content a scam risk; make the sender and purpose explicit "
    "and remove misleading links. Repeated rejections can restrict the account.",
}
RESUBMIT = [
    "A rejected template keeps its name and language: edit it in WhatsApp Manager (or with "
    "UpdateWhatsAppMessageTemplate, which sends it back to review), or delete it and submit "
    "again, or submit the corrected template under a new name.",
    "If you think Meta is wrong, appeal the rejection in WhatsApp Manager.",
]
ERROR_ADVICE = {
    "TemplateInvalid": [
        "Fix every rule listed above in the template JSON, then submit again: "
        "wecare-flows start template-submission --input @template.json",
    ],
    "UnknownTenant": [
        "Give tenantId (wecare-digital, manish-agarwal) or the metaWabaId from cdk.json.",
    ],
    "TemplateAlreadyExists": [
        "wecare-flows templates --tenant {tenantId} shows the cached one; submit under a new "
        "name or language, or edit or delete the existing template first.",
    ],
    "TemplateVerdictOverdue": [
        "Meta has not decided yet; the template stays PENDING in the cache. The daily "
        "template-sync (02:30 UTC) records the verdict when it comes; WhatsApp Manager "
        "shows the review too.",
    ],
    "TemplateApiRefused": [
        "End User Messaging Social or Meta refused the request (message above): check the "
        "WABA link, the account's template limit (250 unverified, 6,000 verified) and the "
        "IAM permissions of the function.",
    ],
    "TemplateNotApproved": [
        "Read the status in WhatsApp Manager; a PAUSED or DISABLED template needs its "
        "quality issues fixed before it can be sent again.",
    ],
}
DEFAULT_ADVICE = [
    "Read the execution's history: wecare-flows history {executionArn}",
    "Start a new submission when the cause is fixed.",
]


def rejection_advice(reason: str | None) -> list[str]:
    code = (reason or "").split(":", 1)[0].strip()
    first = REJECTION_ADVICE.get(code, "Read Meta's rejection in WhatsApp Manager "
                                       "(Message templates) for the details.")
    return [first, *RESUBMIT]


def failure_advice(error: str) -> list[str]:
    return ERROR_ADVICE.get(error, []) + DEFAULT_ADVICE
