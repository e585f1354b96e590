"""The approval endpoint: the secret that signs approval links, and the HTTPS API that
serves the ``http`` service functions (the same handler as the local approval page)."""

from __future__ import annotations

import json

import jsii
from aws_cdk import Annotations, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from cdk_nag import NagSuppressions
from constructs import Construct

from infra.building_blocks import log_group
from workflows import resources

SECRET_NAME = resources.APPROVAL_SECRET_NAME
API_NAME = "wecare-flows-approvals"
# Approvals are a handful a day: the limits only stop a flood of forged links.
RATE_LIMIT_PER_SECOND = 10
BURST_LIMIT = 20


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(log_group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return apigw.AccessLogFormat.custom(
            json.dumps(
                {
                    "requestId": "$context.requestId",
                    "time": "$context.requestTime",
                    "ip": "$context.identity.sourceIp",
                    "method": "$context.httpMethod",
                    "path": "$context.path",
                    "status": "$context.status",
                    "latencyMs": "$context.responseLatency",
                    "integrationError": "$context.integrationErrorMessage",
                }
            )
        )


class ApprovalEndpoint(Construct):
    """The signing secret, always; the HTTP API only when the catalog has an http function.

    Approvers hold no AWS identity: a link is authorised by its signature, which the
    handler checks with the secret (``APPROVAL_SECRET_ARN``). ``base_url`` (the
    ``APPROVAL_BASE_URL`` of every function) is the API's root; every path and method
    reaches the handler unchanged.
    """

    def __init__(self, scope: Construct, construct_id: str, *, serves_http: bool) -> None:
        super().__init__(scope, construct_id)
        self.secret = secretsmanager.Secret(
            self,
            "SigningKey",
            secret_name=SECRET_NAME,
            description="Signs and verifies the approval links e-mailed to approvers",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
        NagSuppressions.add_resource_suppressions(
            self.secret,
            [
                {
                    "id": "AwsSolutions-SMG4",
                    "reason": "Rotating the key invalidates every approval link in flight, so "
                    "it is rotated by hand between approval rounds (docs/deploy.md).",
                }
            ],
        )
        self.api: apigwv2.HttpApi | None = None
        self.base_url: str | None = None
        self._served: list[str] = []
        if serves_http:
            self.api = self._api()
            self.base_url = self.api.api_endpoint

    def _api(self) -> apigwv2.HttpApi:
        api = apigwv2.HttpApi(
            self,
            "Api",
            api_name=API_NAME,
            description="Approval links: approve or reject a pending change",
            create_default_stage=False,
        )
        access_logs = log_group(self, "AccessLogs", f"/aws/vendedlogs/apigateway/{API_NAME}")
        apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(
                rate_limit=RATE_LIMIT_PER_SECOND, burst_limit=BURST_LIMIT
            ),
            access_log_settings=_AccessLogSettings(access_logs),
        )
        return api

    def serve(self, function: lambda_.IFunction, name: str) -> None:
        """Route every request of the API to this function."""
        if self.api is None:
            raise ValueError("this endpoint was made without an API (serves_http=False)")
        if self._served:
            Annotations.of(self).add_error(
                f"{name}: the approval API already serves {self._served[0]}; two http "
                "functions need a path each"
            )
            return
        self._served.append(name)
        integration = integrations.HttpLambdaIntegration(f"{name}-integration", function)
        routes = self.api.add_routes(
            path="/{proxy+}", methods=[apigwv2.HttpMethod.ANY], integration=integration
        )
        routes += self.api.add_routes(
            path="/", methods=[apigwv2.HttpMethod.ANY], integration=integration
        )
        for route in routes:
            NagSuppressions.add_resource_suppressions(
                route,
                [
                    {
                        "id": "AwsSolutions-APIG4",
                        "reason": "Approvers follow signed links from e-mail and have no AWS "
                        "identity; the handler verifies each link's signature with the "
                        "Secrets Manager key and refuses expired or forged ones.",
                    }
                ],
                apply_to_children=True,
            )
