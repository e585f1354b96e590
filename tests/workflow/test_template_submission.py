"""template-submission on the embedded runtime: one scenario per path (runbook section 4).

Meta's review is played by the stand-in; its status event reaches the workflow through
the WABA event destination (SNS → wecare-waba-events), or is withheld so that only the
polling fallback can answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.waiting import wait_until
from tests.workflow.template_flow import (
    OPS,
    WABA,
    cached,
    feature,
    output,
    plan,
    run,
    stand_in,
    states_entered,
    submission,
    submission_records,
    transitions,
)
from workflows.local.runtime import LocalRuntime
from workflows.local.standins.social_messaging import ReviewPlan

# A status event takes real time to travel (SNS, then the subscriber Lambda: 0.1 to 0.7 s
# here). At 1/100 speed the first round lasts 6 real seconds, so the event always arrives
# within it; the poll-path tests use the usual 1/1000 speed.
EVENT_TIME_SCALE = 0.01


@pytest.fixture
def event_runtime() -> Iterator[LocalRuntime]:
    with LocalRuntime(time_scale=EVENT_TIME_SCALE, log_level="WARNING") as local:
        yield local


def test_approved_by_the_status_event(event_runtime: LocalRuntime) -> None:
    runtime = event_runtime
    # GIVEN Meta approves the template after a minute and the event is delivered
    plan(runtime, verdict="APPROVED", after_seconds=60)

    # WHEN the template is submitted
    result = run(runtime, "template-submission", submission())

    # THEN the execution succeeds as soon as the event arrives, in the first round
    assert result["status"] == "SUCCEEDED"
    done = output(result)
    assert (done["outcome"], done["templateStatus"], done["decidedBy"]) == (
        "APPROVED", "APPROVED", "event")
    entered = states_entered(runtime, result["executionArn"])
    assert entered == ["ValidateTemplate", "CreateTemplate", "WaitForVerdict10Minutes",
                       "RecordApproval", "NotifyApproval", "TemplateApproved"]
    # AND the template was never polled (the one Get is the duplicate check before Create)
    assert stand_in(runtime).calls == ["GetWhatsAppMessageTemplate",
                                       "CreateWhatsAppMessageTemplate"]
    # AND the cache holds it APPROVED with its metaTemplateId
    item = cached(runtime)
    assert item is not None
    assert (item["templateStatus"], item["metaTemplateId"]) == ("APPROVED", done["metaTemplateId"])
    # AND operations got the news
    [mail] = runtime.outbox.messages()
    assert mail.to == (OPS,)
    assert mail.subject == "[WECARE] Template order_confirmation (en_US) approved"


def test_approved_by_the_poll_when_the_event_never_comes(runtime: LocalRuntime) -> None:
    # GIVEN Meta approves after five minutes but End User Messaging forwards no event
    plan(runtime, verdict="APPROVED", after_seconds=300, send_event=False)

    # WHEN the template is submitted
    result = run(runtime, "template-submission", submission())

    # THEN the first round times out and the second round's poll finds the verdict
    assert result["status"] == "SUCCEEDED"
    assert output(result)["decidedBy"] == "poll"
    entered = states_entered(runtime, result["executionArn"])
    assert entered[2:4] == ["WaitForVerdict10Minutes", "WaitForVerdict30Minutes"]
    assert stand_in(runtime).calls.count("GetWhatsAppMessageTemplate") == 2
    assert feature(runtime).published == []
    item = cached(runtime)
    assert item is not None
    assert (item["templateStatus"], item["statusSource"]) == ("APPROVED", "poll")


@pytest.mark.parametrize("send_event", [True, False], ids=["by-event", "by-poll"])
def test_rejected_ends_failed_with_metas_reason(
    request: pytest.FixtureRequest, send_event: bool
) -> None:
    runtime = request.getfixturevalue("event_runtime" if send_event else "runtime")
    # GIVEN Meta rejects the template as INVALID_FORMAT
    plan(runtime, verdict="REJECTED", reason="INVALID_FORMAT", after_seconds=60,
         send_event=send_event)

    # WHEN it is submitted
    result = run(runtime, "template-submission", submission())

    # THEN the execution fails with the rejection's own error and Meta's reason
    assert result["status"] == "FAILED"
    assert result["error"] == "TemplateRejected"
    assert result["cause"].startswith(
        "Meta rejected template 'order_confirmation' (en_US): INVALID_FORMAT")
    # AND the cache keeps the rejection with its reason
    item = cached(runtime)
    assert item is not None
    assert item["templateStatus"] == "REJECTED"
    assert item["statusReason"].startswith("INVALID_FORMAT")
    # AND the operator is told the reason and what to change
    [mail] = runtime.outbox.messages()
    assert mail.subject == "[WECARE] Template order_confirmation (en_US) rejected: INVALID_FORMAT"
    assert "never next to each other" in mail.body
    assert "delete it and submit again" in mail.body
    # AND the submission is recorded as rejected, by whichever answered
    [record] = submission_records(runtime)
    assert (record["outcome"], record["error"]) == ("REJECTED", "TemplateRejected")
    assert record["decidedBy"] == ("event" if send_event else "poll")


def test_a_status_other_than_approved_or_rejected_is_not_an_approval(
    runtime: LocalRuntime,
) -> None:
    plan(runtime, verdict="LIMIT_EXCEEDED", after_seconds=60)
    result = run(runtime, "template-submission", submission())
    assert (result["status"], result["error"]) == ("FAILED", "TemplateNotApproved")
    assert "set to LIMIT_EXCEEDED" in result["cause"]
    item = cached(runtime)
    assert item is not None and item["templateStatus"] == "LIMIT_EXCEEDED"


def test_an_event_after_the_poll_answered_changes_nothing(runtime: LocalRuntime) -> None:
    # GIVEN the poll answered first: the event was held back and the execution ended
    plan(runtime, verdict="APPROVED", after_seconds=300, send_event=False)
    result = run(runtime, "template-submission", submission())
    assert output(result)["decidedBy"] == "poll"
    before = cached(runtime)
    history = runtime.history(result["executionArn"])

    # WHEN the status event arrives late
    late = feature(runtime)
    late.publish_status_event(late.template("order_confirmation"))

    # THEN the cache, the execution and the outbox are as they were
    assert cached(runtime) == before
    assert runtime.history(result["executionArn"]) == history
    assert len(runtime.outbox.messages()) == 1


def test_a_throttled_create_is_retried(runtime: LocalRuntime) -> None:
    # GIVEN End User Messaging throttles the first two creations
    plan(runtime, verdict="APPROVED", after_seconds=60)
    stand_in(runtime).throttle("CreateWhatsAppMessageTemplate", 2)

    # WHEN the template is submitted
    result = run(runtime, "template-submission", submission())

    # THEN the create is retried with backoff and the submission succeeds, creating once
    assert result["status"] == "SUCCEEDED"
    failures = [e["lambdaFunctionFailedEventDetails"]["error"]
                for e in runtime.history(result["executionArn"])
                if e["type"] == "LambdaFunctionFailed"]
    assert failures == ["ServiceThrottled", "ServiceThrottled"]
    assert len(stand_in(runtime).templates) == 1


def test_a_throttled_poll_is_retried(runtime: LocalRuntime) -> None:
    # GIVEN no event, and the first poll of the template throttled
    plan(runtime, verdict="APPROVED", after_seconds=300, send_event=False)
    arn = runtime.start_execution("template-submission", submission())
    wait_until(lambda: stand_in(runtime).templates, "the template to be created")
    stand_in(runtime).throttle("GetWhatsAppMessageTemplate", 1)

    # WHEN the wait reaches its first poll
    result = runtime.wait_for(arn, timeout=60)

    # THEN the round is retried and its next poll answers
    assert result["status"] == "SUCCEEDED"
    failed = [e for e in runtime.history(arn) if e["type"] == "TaskFailed"]
    assert [e["taskFailedEventDetails"]["error"] for e in failed] == ["ServiceThrottled"]


def test_an_invalid_template_is_refused_before_anything_is_sent(runtime: LocalRuntime) -> None:
    # GIVEN the runbook's payload: no example values, and a second broken rule
    broken = submission(templateName="Order-Confirmation")
    broken["components"][0].pop("example")

    # WHEN it is submitted
    result = run(runtime, "template-submission", broken)

    # THEN it fails with every broken rule in the cause, and End User Messaging was not called
    assert (result["status"], result["error"]) == ("FAILED", "TemplateInvalid")
    assert "breaks 2 rules" in result["cause"]
    assert "(1) template · name" in result["cause"]
    assert "(2) BODY · example values" in result["cause"]
    assert stand_in(runtime).calls == []
    # AND the e-mail lists the rules one per line, with what to do
    [mail] = runtime.outbox.messages()
    assert mail.subject == "[WECARE] Template Order-Confirmation (en_US) not submitted: " \
        "TemplateInvalid"
    assert "\n  (2) BODY · example values" in mail.body
    [record] = submission_records(runtime)
    assert record["outcome"] == "FAILED"


def test_an_unknown_tenant_is_refused(runtime: LocalRuntime) -> None:
    result = run(runtime, "template-submission", submission(metaWabaId="999"))
    assert (result["status"], result["error"]) == ("FAILED", "UnknownTenant")
    assert stand_in(runtime).calls == []


def test_a_different_template_with_the_same_name_and_language_is_refused(
    runtime: LocalRuntime,
) -> None:
    # GIVEN the WABA already has another order_confirmation in en_US
    existing = stand_in(runtime).seed_template(WABA, "order_confirmation")

    # WHEN a new one with the same name and language is submitted
    result = run(runtime, "template-submission", submission())

    # THEN it fails naming the existing template, which is untouched
    assert (result["status"], result["error"]) == ("FAILED", "TemplateAlreadyExists")
    assert existing.meta_template_id in result["cause"]
    assert list(stand_in(runtime).templates) == [existing.meta_template_id]


def test_the_same_template_submitted_again_is_adopted_not_duplicated(
    runtime: LocalRuntime,
) -> None:
    # GIVEN the template was submitted and approved once
    plan(runtime, verdict="APPROVED", after_seconds=60)
    first = run(runtime, "template-submission", submission())

    # WHEN the very same template is submitted again
    again = run(runtime, "template-submission", submission())

    # THEN the second run adopts it and ends approved at once, without a second creation
    assert again["status"] == "SUCCEEDED"
    assert output(again)["metaTemplateId"] == output(first)["metaTemplateId"]
    assert output(again)["decidedBy"] == "create"
    assert stand_in(runtime).calls.count("CreateWhatsAppMessageTemplate") == 1


def test_the_wait_costs_the_same_transitions_however_long_the_first_round_lasts(
    event_runtime: LocalRuntime,
) -> None:
    # GIVEN two reviews answered by their event, one after 1 minute, one after 5
    counts = []
    for minutes, name in ((1, "quick_review"), (5, "slower_review")):
        feature(event_runtime).plan_review(ReviewPlan(after_seconds=minutes * 60),
                                           template_name=name)
        result = run(event_runtime, "template-submission", submission(templateName=name))
        assert output(result)["decidedBy"] == "event"
        counts.append(transitions(event_runtime.history(result["executionArn"])))

    # THEN both cost the same six transitions: waiting longer costs nothing more
    assert counts == [6, 6]


def test_meta_never_deciding_ends_overdue_after_the_last_poll() -> None:
    # GIVEN a review that never ends, on a runtime fast enough to pass 44 simulated hours
    with LocalRuntime(time_scale=0.00002, log_level="WARNING") as fast:
        plan(fast, verdict="APPROVED", after_seconds=30 * 86400, send_event=False)

        # WHEN the template is submitted
        result = run(fast, "template-submission", submission(), timeout=120)

        # THEN every round polled once, the last one gave up, and operations were told
        assert (result["status"], result["error"]) == ("FAILED", "TemplateVerdictOverdue")
        assert "still PENDING" in result["cause"]
        entered = states_entered(fast, result["executionArn"])
        assert [s for s in entered if s.startswith(("WaitForVerdict", "LastVerdict"))] == [
            "WaitForVerdict10Minutes", "WaitForVerdict30Minutes", "WaitForVerdict90Minutes",
            "WaitForVerdict4Hours30Minutes", "WaitForVerdict13Hours30Minutes",
            "WaitForVerdict24Hours", "LastVerdictCheck"]
        assert stand_in(fast).calls.count("GetWhatsAppMessageTemplate") == 7
        item = cached(fast)
        assert item is not None and item["templateStatus"] == "PENDING"
        [mail] = fast.outbox.messages()
        assert "template-sync (02:30 UTC) records the verdict" in mail.body
