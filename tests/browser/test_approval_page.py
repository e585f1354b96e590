"""The approval page in a real headless Chromium: open the e-mailed link, read the diff,
mark the change applied, see the confirmation, and see the execution succeed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.workflow.profile_apply_flow import (
    APPROVER,
    links_in,
    request_record,
    start_change,
    wait_for_approval_email,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian's chromium at /usr/bin/chromium "
                       "(apt-get install -y chromium)"),
]


@pytest.fixture
def page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_approver_opens_the_link_reads_the_diff_and_marks_it_applied(
    runtime, endpoint, page
) -> None:
    # GIVEN a profile change whose approval e-mail sits in the outbox
    arn = start_change(runtime, about="Trips made simple, on WhatsApp")
    email = wait_for_approval_email(runtime)
    link = links_in(email)["apply"]
    assert link.startswith(f"{endpoint}/approvals/a/")

    # WHEN the approver opens the link
    page.goto(f"{link}?intent=apply")

    # THEN the page shows who decides and the diff, field by field
    assert page.locator("h1").inner_text() == "Business profile v1 for WECARE-DIGITAL"
    assert APPROVER in page.locator(".notice").inner_text()
    about_row = page.locator("table.diff tr", has_text="About")
    assert about_row.locator("td.new").inner_text() == "Trips made simple, on WhatsApp"
    assert about_row.locator("td.old").inner_text() == "(not recorded yet)"
    assert request_record(runtime, 1)["status"] == "PENDING_APPLY"  # opening decided nothing

    # WHEN the approver comments and clicks "Mark applied"
    page.get_by_label("Applied in the console?").fill("Saved in the console at 10:05")
    page.get_by_role("button", name="Mark applied").click()

    # THEN the confirmation shows, and the execution succeeds with the comment
    page.wait_for_selector("h1:has-text('Marked applied')")
    assert "Saved in the console at 10:05" in page.content()
    described = runtime.wait_for(arn)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["comment"] == "Saved in the console at 10:05"
    assert request_record(runtime, 1)["status"] == "APPLIED"


def test_reject_needs_a_reason_in_the_browser_too(runtime, endpoint, page) -> None:
    arn = start_change(runtime)
    page.goto(links_in(wait_for_approval_email(runtime))["reject"] + "?intent=reject")

    # The browser itself refuses an empty reason (required field): nothing is posted
    reject = page.get_by_role("button", name="Reject")
    reject.click()
    assert page.locator("h1").inner_text().startswith("Business profile v1")

    page.get_by_label("Cannot or should not be applied?").fill("The address is the old office")
    reject.click()
    page.wait_for_selector("h1:has-text('Rejected')")
    described = runtime.wait_for(arn)
    assert described["error"] == "ProfileChangeRejected"
    assert re.search("old office", described["cause"])
