"""The errors tasks raise for AWS failures, and how a record reads a caught error's cause."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from tasks.common.errors import (
    ServiceThrottled,
    ServiceUnavailable,
    aws_call,
    caught_message,
    cause_message,
)
from tasks.common.records import plain


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "from the test"},
         "ResponseMetadata": {"HTTPStatusCode": status}},
        "PutItem",
    )


@pytest.mark.parametrize(
    ("code", "status", "raised"),
    [
        ("ProvisionedThroughputExceededException", 400, ServiceThrottled),
        ("TooManyRequestsException", 429, ServiceThrottled),
        ("InternalServerError", 500, ServiceUnavailable),
        ("SomethingNew", 503, ServiceUnavailable),
    ],
)
def test_a_transient_aws_failure_becomes_the_error_the_asl_retries(
    code: str, status: int, raised: type[Exception]
) -> None:
    with (
        pytest.raises(raised, match=rf"DynamoDB PutItem: .*\({code}\)"),
        aws_call("DynamoDB PutItem"),
    ):
        raise client_error(code, status)


def test_any_other_aws_error_passes_as_it_is() -> None:
    with pytest.raises(ClientError) as caught, aws_call("DynamoDB PutItem"):
        raise client_error("ConditionalCheckFailedException")
    assert caught.value.response["Error"]["Code"] == "ConditionalCheckFailedException"


def test_table_numbers_read_back_as_plain_json() -> None:
    item = {"count": Decimal("3"), "ratio": Decimal("0.5"), "rows": [{"n": Decimal("1")}],
            "tags": {Decimal("2")}, "name": "x"}
    assert plain(item) == {"count": 3, "ratio": 0.5, "rows": [{"n": 1}], "tags": [2],
                           "name": "x"}


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
