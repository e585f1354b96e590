"""The apply instructions: the runbook's console steps for one tenant and phone number.

End User Messaging Social has no business-profile API, so a person applies the change
by hand and then marks it applied (runbook section 1, step 3).
"""

from __future__ import annotations

import os
from typing import Any


def console_url(region: str) -> str:
    return f"https://{region}.console.aws.amazon.com/social-messaging/home?region={region}"


def console_steps(request: dict[str, Any], changed_fields: list[str]) -> list[str]:
    """What to do in the console, step by step, for this request."""
    region = os.environ.get("AWS_REGION", "ap-south-1")
    fields = ", ".join(changed_fields) if changed_fields else "(no field differs)"
    return [
        f"Open the AWS console, End User Messaging Social, in {region}: {console_url(region)}",
        f"Select the WhatsApp business account {request['wabaId']} "
        f"({request['tenantName']}, Meta WABA {request['metaWabaId']}).",
        f"Open phone number {request['phoneNumberId']} and its Business profile section "
        "(WhatsApp Manager opens if the console hands over to Meta).",
        f"Set each changed field to its requested value: {fields}. Leave the others as they are.",
        "Save the changes.",
        'Come back to this request and choose "Mark applied" (or "Reject", with the reason, '
        "if the change cannot or should not be applied).",
    ]
