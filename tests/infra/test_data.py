"""The table and the media bucket."""

from __future__ import annotations

import pytest

from tests.infra import cfn
from tests.infra.conftest import Assembly
from workflows import resources

pytestmark = pytest.mark.infra


def test_table_keys_ttl_and_templates_by_status_index(synthesized: Assembly) -> None:
    _, table = cfn.one(synthesized.template, "AWS::DynamoDB::Table")
    properties = table["Properties"]
    assert properties["TableName"] == resources.TABLE_NAME
    assert properties["KeySchema"] == [
        {"AttributeName": resources.TABLE_PARTITION_KEY, "KeyType": "HASH"},
        {"AttributeName": resources.TABLE_SORT_KEY, "KeyType": "RANGE"},
    ]
    assert properties["TimeToLiveSpecification"] == {
        "AttributeName": resources.TABLE_TTL_ATTRIBUTE,
        "Enabled": True,
    }
    (index,) = properties["GlobalSecondaryIndexes"]
    status_key, sort_key = resources.TEMPLATES_BY_STATUS_KEYS
    assert index["IndexName"] == resources.TEMPLATES_BY_STATUS_INDEX
    assert index["KeySchema"] == [
        {"AttributeName": status_key, "KeyType": "HASH"},
        {"AttributeName": sort_key, "KeyType": "RANGE"},
    ]
    assert index["Projection"] == {"ProjectionType": "ALL"}


def test_table_is_recoverable_protected_and_retained(synthesized: Assembly) -> None:
    _, table = cfn.one(synthesized.template, "AWS::DynamoDB::Table")
    properties = table["Properties"]
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert properties["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def _media_bucket(synthesized: Assembly) -> tuple[str, dict]:
    (found,) = [
        (logical_id, bucket)
        for logical_id, bucket in synthesized.resources("AWS::S3::Bucket").items()
        if cfn.mentions(bucket["Properties"].get("BucketName", ""), resources.MEDIA_BUCKET_NAME)
    ]
    return found


def test_media_bucket_is_versioned_encrypted_private_and_retained(synthesized: Assembly) -> None:
    _, bucket = _media_bucket(synthesized)
    properties = bucket["Properties"]
    # Globally unique: the name ends with the account and Region.
    assert cfn.mentions(properties["BucketName"], "AWS::AccountId")
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    (encryption,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert "DestinationBucketName" in properties["LoggingConfiguration"]
    assert bucket["DeletionPolicy"] == "Retain"


def test_media_bucket_refuses_requests_without_tls(synthesized: Assembly) -> None:
    logical_id, _ = _media_bucket(synthesized)
    policies = [
        policy["Properties"]["PolicyDocument"]["Statement"]
        for policy in synthesized.resources("AWS::S3::BucketPolicy").values()
        if policy["Properties"]["Bucket"] == cfn.ref(logical_id)
    ]
    (statements,) = policies
    assert any(
        s["Effect"] == "Deny"
        and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        and s["Principal"] == {"AWS": "*"}
        for s in statements
    )
