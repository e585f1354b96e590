"""How a workflow's record reads the cause of a caught error."""

from __future__ import annotations

import json

import pytest

from tasks.common.errors import caught_message, cause_message


@pytest.mark.parametrize(
    ("cause", "message"),
    [
        # a Lambda error's cause, as Step Functions passes it on
        (json.dumps({"errorMessage": "job j-1 FAILED", "errorType": "X"}), "job j-1 FAILED"),
        # a SendTaskFailure cause in plain words
        ("rejected by ops: wrong address", "rejected by ops: wrong address"),
        # JSON that is not an object, or has no errorMessage, is kept whole
        ("[1, 2]", "[1, 2]"),
        ('{"reason": "x"}', '{"reason": "x"}'),
        ("", ""),
    ],
)
def test_the_message_of_a_cause(cause: str, message: str) -> None:
    assert cause_message(cause) == message


def test_a_caught_error_without_a_cause_reads_as_empty() -> None:
    assert caught_message(None) == ""
    assert caught_message({"Error": "States.Timeout"}) == ""
    assert caught_message({"Cause": json.dumps({"errorMessage": "late"})}) == "late"
