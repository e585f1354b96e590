"""The approval page on the embedded runtime: the signing secret and the ``/approvals`` mount.

Creates the Secrets Manager secret the handlers sign links with, points the handlers at
it (``APPROVAL_SECRET_ARN``), and serves the ``wecare-approval-api`` function under
``/approvals`` on the runtime's endpoint. ``APPROVAL_BASE_URL`` names the endpoint
through ``$WECARE_PUBLIC_URL``, which ``attach_server`` sets when a server starts, so the
links in e-mails point at whichever endpoint is running when they are made.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from workflows import resources
from workflows.local.lambda_http import LambdaHttpApp

APPROVAL_FUNCTION = "wecare-approval-api"
MOUNT_PREFIX = "/approvals"
ENVIRONMENT = ("APPROVAL_SECRET_ARN", "APPROVAL_BASE_URL")


class ApprovalsFeature:
    def start(self, runtime: Any) -> None:
        secret = runtime.client("secretsmanager").create_secret(
            Name=resources.APPROVAL_SECRET_NAME,
            Description="Signs and verifies the approval links (local runtime)",
            SecretString=secrets.token_urlsafe(48),
        )
        os.environ["APPROVAL_SECRET_ARN"] = secret["ARN"]
        os.environ["APPROVAL_BASE_URL"] = "${WECARE_PUBLIC_URL}" + MOUNT_PREFIX
        runtime.mounts[MOUNT_PREFIX] = LambdaHttpApp(
            APPROVAL_FUNCTION, runtime.client("lambda"), runtime.account_id
        )

    def stop(self, runtime: Any) -> None:
        runtime.mounts.pop(MOUNT_PREFIX, None)
        for name in ENVIRONMENT:
            os.environ.pop(name, None)
