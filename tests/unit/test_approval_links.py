"""Signed approval links and form tokens: what verifies, what is refused, and with what."""

from __future__ import annotations

import time
from collections.abc import Iterator

import boto3
import pytest
from itsdangerous import URLSafeTimedSerializer
from moto import mock_aws

from tasks.profile_apply import links
from tasks.profile_apply.errors import FormForged, LinkExpired, LinkTampered


@pytest.fixture(autouse=True)
def signing_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with mock_aws():
        secret = boto3.client("secretsmanager", region_name="ap-south-1").create_secret(
            Name="wecare-flows/approval-signing-key", SecretString="k" * 64
        )
        monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
        monkeypatch.setenv("APPROVAL_SECRET_ARN", secret["ARN"])
        monkeypatch.setenv("APPROVAL_BASE_URL", "${WECARE_TEST_HOST}/approvals")
        monkeypatch.setenv("WECARE_TEST_HOST", "https://approvals.example")
        from tasks.common.clients import forget_clients

        forget_clients()
        yield secret["ARN"]
        forget_clients()


def test_a_link_carries_the_approval_id_and_expiry_only() -> None:
    expires = int(time.time()) + 600
    url = links.approval_url("apv-0123456789abcdef0123", expires, "apply")

    assert url.startswith("https://approvals.example/approvals/a/")
    assert url.endswith("?intent=apply")
    verified = links.verify_link(url.split("/a/")[1].split("?")[0])
    assert verified == links.VerifiedLink("apv-0123456789abcdef0123", expires)


def test_the_base_url_is_read_when_the_link_is_made(monkeypatch) -> None:
    monkeypatch.setenv("WECARE_TEST_HOST", "http://127.0.0.1:50123")
    assert links.approval_url("apv-x", int(time.time()) + 60).startswith(
        "http://127.0.0.1:50123/approvals/a/"
    )


def test_a_changed_character_is_tampering() -> None:
    token = links.link_token("apv-0123456789abcdef0123", int(time.time()) + 600)
    # Not the last character: its low bits can be base64 padding that decodes the same.
    middle = len(token) - 6
    flipped = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    for changed in (flipped, token[:-5], "x" + token):
        with pytest.raises(LinkTampered):
            links.verify_link(changed)


def test_a_link_signed_with_another_key_is_tampering(monkeypatch) -> None:
    token = links.link_token("apv-0123456789abcdef0123", int(time.time()) + 600)
    other = boto3.client("secretsmanager", region_name="ap-south-1").create_secret(
        Name="another-key", SecretString="z" * 64
    )
    monkeypatch.setenv("APPROVAL_SECRET_ARN", other["ARN"])
    with pytest.raises(LinkTampered):
        links.verify_link(token)


def test_a_link_past_its_expiry_is_expired() -> None:
    token = links.link_token("apv-0123456789abcdef0123", 1_000_000)
    with pytest.raises(LinkExpired):
        links.verify_link(token)


def test_the_key_is_read_once_and_kept(signing_key) -> None:
    first = links.SIGNING_KEYS.keys()
    boto3.client("secretsmanager", region_name="ap-south-1").delete_secret(
        SecretId=signing_key, ForceDeleteWithoutRecovery=True
    )
    assert links.SIGNING_KEYS.keys() == first


def test_a_link_sent_before_the_key_was_rotated_still_verifies(signing_key, monkeypatch) -> None:
    # GIVEN a link e-mailed with the current key, and a form open in the approver's browser
    sent = links.link_token("apv-0123456789abcdef0123", int(time.time()) + 600)
    nonce = links.new_nonce()
    form = links.form_token("apv-0123456789abcdef0123", nonce)
    # AND the key rotated since (its old value stays as AWSPREVIOUS), and the container's
    # cached keys have run out
    boto3.client("secretsmanager", region_name="ap-south-1").put_secret_value(
        SecretId=signing_key, SecretString="n" * 64
    )
    monkeypatch.setattr(links, "KEY_CACHE_SECONDS", 0)

    # THEN the link and the form still verify, and new links are signed with the new key
    assert links.verify_link(sent).approval_id == "apv-0123456789abcdef0123"
    links.verify_form(form, "apv-0123456789abcdef0123", nonce)
    assert links.SIGNING_KEYS.keys() == ["k" * 64, "n" * 64]
    fresh = links.link_token("apv-0123456789abcdef0123", int(time.time()) + 600)
    assert fresh != sent and links.verify_link(fresh).approval_id == "apv-0123456789abcdef0123"


def test_a_link_of_a_key_rotated_out_twice_is_tampering(signing_key, monkeypatch) -> None:
    sent = links.link_token("apv-0123456789abcdef0123", int(time.time()) + 600)
    secrets_manager = boto3.client("secretsmanager", region_name="ap-south-1")
    secrets_manager.put_secret_value(SecretId=signing_key, SecretString="n" * 64)
    secrets_manager.put_secret_value(SecretId=signing_key, SecretString="m" * 64)
    monkeypatch.setattr(links, "KEY_CACHE_SECONDS", 0)

    with pytest.raises(LinkTampered):
        links.verify_link(sent)


def test_a_form_token_is_bound_to_its_approval_and_its_cookie() -> None:
    nonce = links.new_nonce()
    token = links.form_token("apv-a", nonce)

    links.verify_form(token, "apv-a", nonce)
    with pytest.raises(FormForged, match="another approval"):
        links.verify_form(token, "apv-b", nonce)
    with pytest.raises(FormForged, match="cookie"):
        links.verify_form(token, "apv-a", links.new_nonce())
    with pytest.raises(FormForged, match="cookie"):
        links.verify_form(token, "apv-a", None)
    with pytest.raises(FormForged, match="not valid"):
        links.verify_form("", "apv-a", nonce)


def test_a_link_token_is_not_a_form_token() -> None:
    nonce = links.new_nonce()
    link = links.link_token("apv-a", int(time.time()) + 600)
    with pytest.raises(FormForged):
        links.verify_form(link, "apv-a", nonce)
    with pytest.raises(LinkTampered):
        links.verify_link(links.form_token("apv-a", nonce))


def test_a_container_that_missed_the_rotation_reads_the_keys_again(
    signing_key, monkeypatch
) -> None:
    # GIVEN this container cached the old key; another signed a link with the new one
    links.SIGNING_KEYS.keys()
    boto3.client("secretsmanager", region_name="ap-south-1").put_secret_value(
        SecretId=signing_key, SecretString="n" * 64
    )
    expires = int(time.time()) + 600
    token = URLSafeTimedSerializer("n" * 64, salt=links.LINK_SALT).dumps(["apv-new", expires])
    monkeypatch.setattr(links, "KEY_REFRESH_SECONDS", 0)

    # THEN the link verifies: the refused signature had the keys read again
    assert links.verify_link(token) == links.VerifiedLink("apv-new", expires)
