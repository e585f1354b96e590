"""The approval endpoint: an HTTPS API in front of the same handler as locally, and the
secret that signs the links."""

from __future__ import annotations

import pytest

from infra.approvals import BURST_LIMIT, RATE_LIMIT_PER_SECOND, SECRET_NAME
from tests.infra import cfn
from tests.infra.conftest import Assembly
from workflows import catalog

pytestmark = pytest.mark.infra

HTTP_FUNCTIONS = [f for f in catalog.SERVICE_FUNCTIONS if f.trigger == "http"]


def test_signing_secret_is_generated_and_kept(synthesized: Assembly) -> None:
    _, secret = cfn.one(synthesized.template, "AWS::SecretsManager::Secret", Name=SECRET_NAME)
    generated = secret["Properties"]["GenerateSecretString"]
    assert generated["PasswordLength"] >= 64
    assert secret["DeletionPolicy"] == "Retain"


def test_one_https_api_serves_the_http_function(synthesized: Assembly) -> None:
    (http_function,) = HTTP_FUNCTIONS
    function_id, _ = cfn.function(synthesized.template, http_function.name)
    api_id, api = cfn.one(synthesized.template, "AWS::ApiGatewayV2::Api")
    assert api["Properties"]["ProtocolType"] == "HTTP"
    _, integration = cfn.one(synthesized.template, "AWS::ApiGatewayV2::Integration")
    assert integration["Properties"]["IntegrationType"] == "AWS_PROXY"
    assert integration["Properties"]["IntegrationUri"] == cfn.arn_of(function_id)
    assert integration["Properties"]["PayloadFormatVersion"] == "2.0"
    routes = {
        r["Properties"]["RouteKey"]
        for r in synthesized.resources("AWS::ApiGatewayV2::Route").values()
    }
    assert routes == {"ANY /", "ANY /{proxy+}"}
    permissions = [
        p["Properties"]
        for p in synthesized.resources("AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == cfn.arn_of(function_id)
    ]
    assert permissions
    assert all(p["Principal"] == "apigateway.amazonaws.com" for p in permissions)
    assert all(cfn.mentions(p["SourceArn"], api_id) for p in permissions)


def test_stage_is_throttled_and_logged(synthesized: Assembly) -> None:
    _, stage = cfn.one(synthesized.template, "AWS::ApiGatewayV2::Stage")
    properties = stage["Properties"]
    assert properties["StageName"] == "$default"
    assert properties["AutoDeploy"] is True
    assert properties["DefaultRouteSettings"] == {
        "ThrottlingBurstLimit": BURST_LIMIT,
        "ThrottlingRateLimit": RATE_LIMIT_PER_SECOND,
    }
    assert "$context.requestId" in properties["AccessLogSettings"]["Format"]
    log_group = cfn.referenced_id(properties["AccessLogSettings"]["DestinationArn"])
    assert synthesized.template["Resources"][log_group]["Type"] == "AWS::Logs::LogGroup"


def test_functions_know_the_approval_url_and_secret(synthesized: Assembly) -> None:
    api_id, _ = cfn.one(synthesized.template, "AWS::ApiGatewayV2::Api")
    secret_id, _ = cfn.one(synthesized.template, "AWS::SecretsManager::Secret", Name=SECRET_NAME)
    for function in synthesized.catalog_functions().values():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["APPROVAL_SECRET_ARN"] == cfn.ref(secret_id)
        # The API's https:// endpoint, without a stage path ($default stage).
        assert variables["APPROVAL_BASE_URL"] == {"Fn::GetAtt": [api_id, "ApiEndpoint"]}
