"""The tenants of cdk.json are written into the table, as the embedded runtime seeds them."""

from __future__ import annotations

import json

import pytest
from boto3.dynamodb.types import TypeDeserializer

from tests.infra import cfn
from tests.infra.conftest import Assembly
from workflows.settings import load_settings

pytestmark = pytest.mark.infra

DESERIALIZER = TypeDeserializer()


def _put_item_calls(synthesized: Assembly) -> list[dict]:
    calls = []
    for record in synthesized.resources("Custom::TenantRecord").values():
        create = record["Properties"]["Create"]
        # {"Fn::Join": ["", [text, {"Ref": table}, text]]}: the table's name is a reference.
        parts = create["Fn::Join"][1]
        table_ref = next(p for p in parts if isinstance(p, dict))
        text = "".join(p if isinstance(p, str) else "TABLE" for p in parts)
        calls.append({"table": table_ref, **json.loads(text), "update": record["Properties"]})
    return calls


def test_every_tenant_record_is_put_into_the_table(synthesized: Assembly) -> None:
    table_id, _ = cfn.one(synthesized.template, "AWS::DynamoDB::Table")
    calls = _put_item_calls(synthesized)
    expected = [record for t in load_settings().tenants for record in t.records()]
    assert len(expected) >= 4
    items = []
    for call in calls:
        assert (call["service"], call["action"]) == ("DynamoDB", "putItem")
        assert call["table"] == cfn.ref(table_id)
        assert "Update" in call["update"]  # a changed cdk.json is written again
        item = {k: DESERIALIZER.deserialize(v) for k, v in call["parameters"]["Item"].items()}
        items.append(json.loads(json.dumps(item, default=int)))
    key = lambda item: (item["PK"], item["SK"])  # noqa: E731
    assert sorted(items, key=key) == sorted(expected, key=key)


def test_the_records_may_only_be_put_into_the_table(synthesized: Assembly) -> None:
    table_id, _ = cfn.one(synthesized.template, "AWS::DynamoDB::Table")
    statements = [
        statement
        for logical_id, policy in synthesized.resources("AWS::IAM::Policy").items()
        if logical_id.startswith("Tenants")
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert statements
    assert cfn.actions_of(statements) == {"dynamodb:PutItem"}
    assert {json.dumps(r) for r in cfn.resources_for(statements, "dynamodb:PutItem")} == {
        json.dumps(cfn.arn_of(table_id))
    }
