"""Template status events on the WABA event destination, and the verdict mailbox where a
waiting submission and Meta's answer meet: whichever answers first wins, the other
changes nothing."""

from __future__ import annotations

from tasks.templates import verdicts
from tests.waiting import wait_until
from tests.workflow.template_flow import WABA, cached, feature, stand_in
from workflows.local.runtime import LocalRuntime

TEMPLATE = {"name": "order_update", "language": "en_US"}


def approved(meta_template_id: str, source: str = "event") -> verdicts.Verdict:
    return verdicts.Verdict(metaTemplateId=meta_template_id, templateStatus="APPROVED",
                            templateName="order_update", language="en_US", source=source)


def test_every_status_meta_sends_is_cached_as_it_comes(runtime: LocalRuntime) -> None:
    # GIVEN an approved template in the WABA, and no submission waiting on it
    seeded = stand_in(runtime).seed_template(WABA, "order_update")

    # WHEN Meta pauses it, and the event (integer id, locale "en-US") is delivered
    stand_in(runtime).set_status(seeded.meta_template_id, "PAUSED", reason="NONE")

    # THEN the cache has it PAUSED, keyed by the underscore locale, the id as a string
    [event] = wait_until(lambda: feature(runtime).published, "the event to be delivered")
    assert event.value["message_template_language"] == "en-US"
    item = cached(runtime, "order_update")
    assert item is not None
    assert (item["templateStatus"], item["metaTemplateId"]) == ("PAUSED",
                                                                seeded.meta_template_id)
    assert item["statusSource"] == "event"
    assert "statusReason" not in item


def test_the_same_event_twice_changes_nothing_the_second_time(runtime: LocalRuntime) -> None:
    # GIVEN a DISABLED event already delivered and cached
    seeded = stand_in(runtime).seed_template(WABA, "order_update")
    stand_in(runtime).set_status(seeded.meta_template_id, "DISABLED", send_event=False)
    feature(runtime).publish_status_event(seeded)
    first = wait_until(lambda: cached(runtime, "order_update"), "the status in the cache")

    # WHEN it is delivered again
    feature(runtime).publish_status_event(seeded)

    # THEN the cached item is exactly as before
    assert cached(runtime, "order_update") == first


def test_an_event_for_an_unknown_waba_is_ignored(runtime: LocalRuntime) -> None:
    stranger = stand_in(runtime).seed_template(WABA, "order_update")
    event = stand_in(runtime).status_event(stranger)
    feature(runtime).publish(type(event)(meta_waba_id="999", value=event.value))
    assert cached(runtime, "order_update") is None


def test_a_verdict_between_two_rounds_waits_in_the_mailbox_for_the_next(
    runtime: LocalRuntime,
) -> None:
    # GIVEN a submission's first round left its token, then timed out
    verdicts.open_mailbox("111", TEMPLATE, "arn:execution", None)
    assert verdicts.register_waiter("111", "token-round-0", "arn:execution", 0) is None

    # WHEN the event resolves the mailbox before the next round registers
    won, token = verdicts.resolve(approved("111"))

    # THEN the event wins, with the old token (which Step Functions will call late)
    assert (won, token) == (True, "token-round-0")
    # AND the next round finds the verdict instead of waiting
    answered = verdicts.register_waiter("111", "token-round-1", "arn:execution", 1)
    assert answered is not None
    assert (answered.templateStatus, answered.source) == ("APPROVED", "event")
    # AND a poll answering after that loses, and learns no token
    assert verdicts.resolve(approved("111", source="poll")) == (False, None)


def test_an_event_that_overtakes_the_create_step_is_kept(runtime: LocalRuntime) -> None:
    # GIVEN the event arrives before the create step opened the mailbox
    won, token = verdicts.resolve(approved("222"))
    assert (won, token) == (True, None)

    # WHEN the create step opens it
    verdicts.open_mailbox("222", TEMPLATE, "arn:execution", None)

    # THEN the verdict is kept, and the first round settles at once
    answered = verdicts.register_waiter("222", "token-round-0", "arn:execution", 0)
    assert answered is not None and answered.templateStatus == "APPROVED"


def test_a_late_token_is_harmless(runtime: LocalRuntime) -> None:
    # Step Functions answers TaskTimedOut or InvalidToken to a token that stopped waiting.
    assert verdicts.settle("no-such-token", approved("333")) == "late"
