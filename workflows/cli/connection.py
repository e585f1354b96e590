"""Where the CLI sends its calls: the embedded runtime's endpoint, or AWS itself."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from workflows.cli.errors import NotFound, ServiceError, Unreachable
from workflows.settings import LOCAL_ENDPOINT_PORT

ENDPOINT_VARIABLE = "WECARE_FLOWS_ENDPOINT"
DEFAULT_ENDPOINT = f"http://127.0.0.1:{LOCAL_ENDPOINT_PORT}"
AWS = "aws"


@dataclass(frozen=True)
class Connection:
    endpoint_url: str
    region: str

    @property
    def is_local(self) -> bool:
        return self.endpoint_url != AWS

    def client(self, service: str) -> Any:
        config = Config(retries={"max_attempts": 2}, connect_timeout=3, read_timeout=30)
        if not self.is_local:
            return boto3.client(service, region_name=self.region, config=config)
        return boto3.client(
            service,
            region_name=self.region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "local"),
            aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
            config=config,
        )

    def state_machine_arn(self, workflow_name: str) -> str:
        with aws_errors(self):
            paginator = self.client("stepfunctions").get_paginator("list_state_machines")
            for page in paginator.paginate():
                for machine in page["stateMachines"]:
                    if machine["name"] == workflow_name:
                        return machine["stateMachineArn"]
        raise NotFound(
            f"state machine {workflow_name!r} is not deployed at {self.describe()}; "
            "start the runtime with 'make local' or deploy the CDK app"
        )

    def local_json(self, path: str) -> Any:
        """A JSON page of the embedded runtime (``/_local/...``)."""
        if not self.is_local:
            raise ServiceError(f"{path} exists only on the embedded runtime")
        try:
            with urllib.request.urlopen(f"{self.endpoint_url}{path}", timeout=10) as response:
                return json.load(response)
        except (urllib.error.URLError, ConnectionError) as exc:
            raise self.unreachable() from exc

    def describe(self) -> str:
        return f"AWS ({self.region})" if not self.is_local else self.endpoint_url

    def unreachable(self) -> Unreachable:
        if self.is_local:
            return Unreachable(
                f"no runtime answers at {self.endpoint_url}; start it with 'make local' "
                f"(or 'wecare-flows local'), or set {ENDPOINT_VARIABLE}"
            )
        return Unreachable(f"AWS in {self.region} could not be reached; check your network")


@contextmanager
def aws_errors(connection: Connection) -> Iterator[None]:
    """Turn boto3's exceptions into one-line CLI errors."""
    try:
        yield
    except EndpointConnectionError as exc:
        raise connection.unreachable() from exc
    except NoCredentialsError as exc:
        raise ServiceError(
            "no AWS credentials found; configure a profile (aws configure) or set AWS_PROFILE"
        ) from exc
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code, message = error.get("Code", "Error"), error.get("Message", str(exc))
        if code in ("ExecutionDoesNotExist", "StateMachineDoesNotExist", "ResourceNotFound",
                    "ResourceNotFoundException", "InvalidArn"):
            raise NotFound(f"{code}: {message}") from exc
        raise ServiceError(f"{code}: {message}") from exc
