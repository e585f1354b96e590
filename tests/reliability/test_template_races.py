"""Templates under stress: answers that race, the same submission twice at once, injected
faults, and fuzzed payloads that must be refused cleanly, never crash the validator."""

from __future__ import annotations

import copy
import random
import threading
from typing import Any

from tasks.common.errors import ServiceUnavailable
from tasks.templates import verdicts
from tasks.templates.errors import TemplateInvalid
from tasks.templates.validator import template_problems, validate_template
from tests.workflow.template_flow import (
    SUBMISSION,
    output,
    plan,
    run,
    stand_in,
    submission,
)
from workflows.local.runtime import LocalRuntime


def test_an_event_and_a_poll_answering_at_once_have_one_winner(runtime: LocalRuntime) -> None:
    # GIVEN twenty submissions waiting, each answered at the same instant by event and poll
    winners = []
    for n in range(20):
        meta_id = str(9000 + n)
        verdicts.open_mailbox(meta_id, {"name": f"t{n}", "language": "en"}, "arn:x", None)
        verdicts.register_waiter(meta_id, f"token-{n}", "arn:x", 0)
        start = threading.Barrier(2)
        results: dict[str, tuple[bool, str | None]] = {}

        def answer(source: str, meta_id: str = meta_id, start: threading.Barrier = start,
                   results: dict = results) -> None:
            verdict = verdicts.Verdict(metaTemplateId=meta_id, templateStatus="APPROVED",
                                       source=source)
            start.wait()
            results[source] = verdicts.resolve(verdict)

        threads = [threading.Thread(target=answer, args=(s,)) for s in ("event", "poll")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        winners.append([s for s, (won, _) in results.items() if won])

    # THEN each time exactly one of them won, and only the winner got the token
    assert all(len(won) == 1 for won in winners)


def test_the_same_template_submitted_twice_at_once_is_created_once(
    runtime: LocalRuntime,
) -> None:
    # GIVEN two executions started together with the very same template
    plan(runtime, verdict="APPROVED", after_seconds=60)
    arns = [runtime.start_execution("template-submission", submission()) for _ in range(2)]

    # WHEN both end
    results = [runtime.wait_for(arn, timeout=90) for arn in arns]

    # THEN one created the template and the other adopted it: one template, two approvals
    assert [r["status"] for r in results] == ["SUCCEEDED", "SUCCEEDED"]
    assert len({output(r)["metaTemplateId"] for r in results}) == 1
    assert stand_in(runtime).calls.count("CreateWhatsAppMessageTemplate") <= 2
    assert len(stand_in(runtime).templates) == 1


def test_a_failing_wait_round_is_retried(runtime: LocalRuntime) -> None:
    # GIVEN the wait's Lambda fails once, as a service fault would
    plan(runtime, verdict="APPROVED", after_seconds=300, send_event=False)
    runtime.functions.inject_fault("wecare-template-submission-await-verdict",
                                   ServiceUnavailable("injected: DynamoDB 500"))

    # WHEN the template is submitted
    result = run(runtime, "template-submission", submission())

    # THEN the round is retried and the submission still ends approved
    assert result["status"] == "SUCCEEDED"
    failed = [e["taskFailedEventDetails"]["error"] for e in runtime.history(result["executionArn"])
              if e["type"] == "TaskFailed"]
    assert failed == ["ServiceUnavailable"]


def test_a_failing_notification_leaves_the_template_approved(runtime: LocalRuntime) -> None:
    plan(runtime, verdict="APPROVED", after_seconds=60)
    faults = [ServiceUnavailable("injected: SES 500")] * 6
    runtime.functions.inject_fault("wecare-template-submission-notify-outcome", *faults)
    result = run(runtime, "template-submission", submission())
    assert result["status"] == "SUCCEEDED"
    assert output(result)["outcome"] == "APPROVED"
    assert runtime.outbox.messages() == []


NASTY_VALUES: list[Any] = [None, "", " ", 0, -1, 1.5, True, [], {}, [None], {"type": None},
                           "{{", "}}", "{{1}}{{1}}", "{{}}", "x" * 5000, "é" * 70, "\u0000",
                           {"body_text": "not a list"}, [[None]], [["a", "b", "c"]]]


def mutate(rng: random.Random, value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with one field somewhere replaced by something nasty."""
    value = copy.deepcopy(value)
    if isinstance(value, dict) and value and depth < 4 and rng.random() < 0.7:
        key = rng.choice(list(value))
        value[key] = mutate(rng, value[key], depth + 1)
        return value
    if isinstance(value, list) and value and depth < 4 and rng.random() < 0.7:
        index = rng.randrange(len(value))
        value[index] = mutate(rng, value[index], depth + 1)
        return value
    return rng.choice(NASTY_VALUES)


def test_fuzzed_payloads_are_refused_cleanly_never_crash() -> None:
    # GIVEN five hundred payloads, each the valid submission with a field made nasty
    rng = random.Random(20261203)
    full = {**SUBMISSION, "components": [
        {"type": "HEADER", "text": "Order {{1}}", "example": {"header_text": ["ORD-1"]}},
        *SUBMISSION["components"], {"type": "FOOTER", "text": "WECARE.DIGITAL"},
        {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Track",
                                         "url": "https://wecare.digital/t/{{1}}",
                                         "example": ["https://wecare.digital/t/1"]}]}]}
    for _ in range(500):
        payload = mutate(rng, full)

        # WHEN each is validated
        try:
            valid = validate_template(payload)
        except TemplateInvalid as refused:
            # THEN a refusal names at least one rule, with its component and value
            problems, _ = template_problems(payload)
            assert problems and str(refused).startswith("template ")
            assert all(p.component and p.rule and p.message for p in problems)
        else:
            # OR the payload is still valid, and its definition is plain JSON
            assert valid.definition["name"] == payload["templateName"]
