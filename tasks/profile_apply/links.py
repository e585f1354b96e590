"""Signed approval links and form tokens (itsdangerous), keyed by the deployment's secret.

A link carries an opaque approval id, its expiry and a signature: never the task token,
which stays in the table. The approval page's form carries a second signed value bound
to the approval and to a random nonce also set as a cookie (double submit), so a form
posted from another site is refused.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tasks.common.clients import client
from tasks.common.environment import setting
from tasks.common.errors import error_code
from tasks.profile_apply.errors import FormForged, LinkExpired, LinkTampered

LINK_SALT = "wecare-flows/approval-link"
FORM_SALT = "wecare-flows/approval-form"
# Longer than any deadline a request may set; the expiry inside the link is the real limit.
MAX_LINK_AGE_SECONDS = 40 * 24 * 3600
FORM_MAX_AGE_SECONDS = 12 * 3600
KEY_CACHE_SECONDS = 300
KEY_REFRESH_SECONDS = 10
CSRF_COOKIE = "wecare_approval_csrf"


class _SigningKeys:
    """The signing keys, read from Secrets Manager once per container (and per secret).

    The secret's current version signs. It and the previous one (``AWSPREVIOUS``, which a
    rotation keeps) verify, so a rotation does not void the links already e-mailed. A
    link that no cached key verifies has the keys read again (at most every
    ``KEY_REFRESH_SECONDS``), for the container that has not yet seen a rotation.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entry: tuple[str, list[str], float] | None = None

    def keys(self) -> list[str]:
        """Oldest first, as itsdangerous wants them: it signs with the last."""
        secret_arn = setting("APPROVAL_SECRET_ARN")
        with self._lock:
            entry = self._entry
            if entry and entry[0] == secret_arn and time.monotonic() - entry[2] < KEY_CACHE_SECONDS:
                return entry[1]
            return self._read(secret_arn)

    def read_again(self) -> bool:
        """Read the keys again unless they were just read; True if they changed."""
        secret_arn = setting("APPROVAL_SECRET_ARN")
        with self._lock:
            entry = self._entry
            if entry and time.monotonic() - entry[2] < KEY_REFRESH_SECONDS:
                return False
            before = entry[1] if entry else []
            return self._read(secret_arn) != before

    def _read(self, secret_arn: str) -> list[str]:
        secrets_manager = client("secretsmanager")
        current = secrets_manager.get_secret_value(SecretId=secret_arn)["SecretString"]
        keys = [current]
        try:
            previous = secrets_manager.get_secret_value(
                SecretId=secret_arn, VersionStage="AWSPREVIOUS"
            )["SecretString"]
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":  # never rotated
                raise
        else:
            if previous != current:
                keys.insert(0, previous)
        self._entry = (secret_arn, keys, time.monotonic())
        return keys


SIGNING_KEYS = _SigningKeys()


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(SIGNING_KEYS.keys(), salt=salt)


def _loads(salt: str, token: str, max_age: int) -> Any:
    """Verify with the cached keys, then once more with keys read again (a rotation)."""
    try:
        return _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise
    except BadSignature:
        if not SIGNING_KEYS.read_again():
            raise
    return _serializer(salt).loads(token, max_age=max_age)


def base_url() -> str:
    """Where the approval page is served, read when a link is made (not at import).

    Locally the value names the runtime's endpoint through ``$WECARE_PUBLIC_URL``, which
    is only known once its server has started.
    """
    return os.path.expandvars(setting("APPROVAL_BASE_URL")).rstrip("/")


def link_token(approval_id: str, expires_at: int) -> str:
    return _serializer(LINK_SALT).dumps([approval_id, int(expires_at)])


def approval_url(approval_id: str, expires_at: int, intent: str = "") -> str:
    url = f"{base_url()}/a/{link_token(approval_id, expires_at)}"
    return f"{url}?intent={intent}" if intent else url


@dataclass(frozen=True)
class VerifiedLink:
    approval_id: str
    expires_at: int


def verify_link(token: str, now: float | None = None) -> VerifiedLink:
    """The approval id a link names, if its signature holds and it has not expired.

    Raises
    ------
    LinkTampered
        The signature does not match (edited, truncated, or signed with another key).
    LinkExpired
        The link's expiry has passed.
    """
    try:
        payload: Any = _loads(LINK_SALT, token, MAX_LINK_AGE_SECONDS)
    except SignatureExpired as exc:
        raise LinkExpired("this approval link is older than any approval may wait") from exc
    except BadSignature as exc:
        raise LinkTampered("the link's signature does not match; it was changed or cut") from exc
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], str)):
        raise LinkTampered("the link does not name an approval")
    approval_id, expires_at = payload[0], int(payload[1])
    if (time.time() if now is None else now) > expires_at:
        raise LinkExpired("the deadline of this approval has passed")
    return VerifiedLink(approval_id, expires_at)


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def form_token(approval_id: str, nonce: str) -> str:
    return _serializer(FORM_SALT).dumps([approval_id, nonce])


def verify_form(token: str, approval_id: str, cookie_nonce: str | None) -> None:
    """Check the posted form came from this approval's page in this browser.

    Raises
    ------
    FormForged
        No form token, a bad or stale one, one for another approval, or no matching cookie.
    """
    try:
        payload: Any = _loads(FORM_SALT, token or "", FORM_MAX_AGE_SECONDS)
    except SignatureExpired as exc:
        raise FormForged("the page was open too long; open the link again") from exc
    except BadSignature as exc:
        raise FormForged("the form token is missing or not valid") from exc
    if not (isinstance(payload, list) and len(payload) == 2):
        raise FormForged("the form token is not valid")
    if payload[0] != approval_id:
        raise FormForged("the form was made for another approval")
    if not cookie_nonce or not secrets.compare_digest(str(payload[1]), cookie_nonce):
        raise FormForged("the form's cookie is missing or does not match")
