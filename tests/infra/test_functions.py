"""One Lambda per function of the catalog, packaged with what its handler imports."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra.functions import FunctionSpec
from infra.packaging import lambda_requirements
from infra.tenants import PROVIDER_ID
from tests.infra import cfn
from tests.infra.conftest import Assembly
from workflows import catalog
from workflows.settings import load_settings

pytestmark = pytest.mark.infra

SPECS: list[FunctionSpec] = [
    *(task for workflow in catalog.WORKFLOWS for task in workflow.tasks),
    *catalog.SERVICE_FUNCTIONS,
]
LOG_RETENTION_DAYS = 30


def _pins() -> dict[str, str]:
    return {
        requirement.split("==")[0].split("[")[0]: requirement.split("==")[1]
        for requirement in lambda_requirements()
    }


def test_one_function_per_catalog_function(synthesized: Assembly) -> None:
    assert set(synthesized.catalog_functions()) == {spec.function_name for spec in SPECS}
    # Besides them, only the provider of CDK's AwsCustomResource (the tenant records).
    others = set(synthesized.resources("AWS::Lambda::Function")) - {
        cfn.function(synthesized.template, spec.function_name)[0] for spec in SPECS
    }
    assert [logical_id[: len(PROVIDER_ID)] for logical_id in others] == [PROVIDER_ID]


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.function_name)
def test_function_runtime_memory_timeout_tracing_and_logs(
    synthesized: Assembly, spec: FunctionSpec
) -> None:
    _, function = cfn.function(synthesized.template, spec.function_name)
    properties = function["Properties"]
    assert properties["Handler"] == spec.handler
    runtime = properties["Runtime"]
    assert runtime.startswith("python3.")
    assert int(runtime.split(".")[1]) >= 12
    assert properties["MemorySize"] == spec.memory_mb
    assert properties["Timeout"] == spec.timeout_seconds
    assert properties["TracingConfig"] == {"Mode": "Active"}
    logging = properties["LoggingConfig"]
    assert logging["LogFormat"] == "JSON"
    log_group = synthesized.template["Resources"][cfn.referenced_id(logging["LogGroup"])]
    assert log_group["Properties"]["LogGroupName"] == f"/aws/lambda/{spec.function_name}"
    assert log_group["Properties"]["RetentionInDays"] == LOG_RETENTION_DAYS


def test_functions_read_the_same_environment_as_locally(synthesized: Assembly) -> None:
    table_id, _ = cfn.one(synthesized.template, "AWS::DynamoDB::Table")
    secret_id, _ = cfn.one(synthesized.template, "AWS::SecretsManager::Secret")
    data_source_id, _ = cfn.one(synthesized.template, "AWS::Bedrock::DataSource")
    expected = {
        key: value
        for key, value in load_settings().task_environment().items()
        if key != "DATA_SOURCE_ID"  # the stack's data source, below
    }
    for spec in SPECS:
        _, function = cfn.function(synthesized.template, spec.function_name)
        variables = function["Properties"]["Environment"]["Variables"]
        assert expected.items() <= variables.items()
        assert variables["TABLE_NAME"] == cfn.ref(table_id)
        assert cfn.mentions(variables["MEDIA_BUCKET_NAME"], "MediaBucket")
        assert variables["APPROVAL_SECRET_ARN"] == cfn.ref(secret_id)
        assert variables["DATA_SOURCE_ID"] == {"Fn::GetAtt": [data_source_id, "DataSourceId"]}


def test_functions_share_one_code_asset_and_one_dependency_layer(synthesized: Assembly) -> None:
    functions = synthesized.catalog_functions().values()
    code_keys = {f["Properties"]["Code"]["S3Key"] for f in functions}
    layers = {json.dumps(f["Properties"]["Layers"]) for f in functions}
    assert len(code_keys) == 1
    assert len(layers) == 1


def test_code_asset_holds_every_handler_module(synthesized: Assembly) -> None:
    _, function = cfn.function(synthesized.template, SPECS[0].function_name)
    asset = synthesized.asset(function["Properties"]["Code"]["S3Key"])
    names = set(zipfile.ZipFile(asset).namelist())
    for spec in SPECS:
        module = spec.handler.rsplit(".", 1)[0]
        assert f"{module.replace('.', '/')}.py" in names, spec.handler
    assert "tasks/common/clients.py" in names
    assert not [name for name in names if "__pycache__" in name or not name.startswith("tasks/")]


@pytest.fixture(scope="module")
def layer_directory(synthesized: Assembly, tmp_path_factory: pytest.TempPathFactory) -> Path:
    (layer,) = synthesized.resources("AWS::Lambda::LayerVersion").values()
    target = tmp_path_factory.mktemp("layer")
    zipfile.ZipFile(synthesized.asset(layer["Properties"]["Content"]["S3Key"])).extractall(target)
    return target / "python"  # where Lambda puts a layer's python/ on sys.path


def test_layer_has_powertools_and_a_boto3_with_the_whatsapp_template_api(
    layer_directory: Path,
) -> None:
    # Only the layer is on the path: -I -S drops this interpreter's site-packages.
    probe = """
import json, sys
sys.path.insert(0, sys.argv[1])
import boto3, botocore
from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.shared.version import VERSION
client = boto3.client("socialmessaging", region_name="ap-south-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
print(json.dumps({
    "boto3": boto3.__version__, "botocore": botocore.__version__, "powertools": VERSION,
    "boto3_path": boto3.__file__,
    "template_api": hasattr(client, "create_whatsapp_message_template"),
}))
"""
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe, str(layer_directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    pins = _pins()
    assert found["boto3_path"].startswith(str(layer_directory))
    assert found["template_api"] is True
    assert found["boto3"] == pins["boto3"]
    assert found["botocore"] == pins["botocore"]
    assert found["powertools"] == pins["aws-lambda-powertools"]


def test_layer_is_built_for_the_functions_runtime_and_architecture(
    synthesized: Assembly, layer_directory: Path
) -> None:
    (layer,) = synthesized.resources("AWS::Lambda::LayerVersion").values()
    _, function = cfn.function(synthesized.template, SPECS[0].function_name)
    runtime, (architecture,) = (
        function["Properties"]["Runtime"],
        function["Properties"]["Architectures"],
    )
    assert layer["Properties"]["CompatibleRuntimes"] == [runtime]
    assert layer["Properties"]["CompatibleArchitectures"] == [architecture]
    # pydantic-core is the compiled one: its binary must match what Lambda runs.
    (binary,) = (layer_directory / "pydantic_core").glob("_pydantic_core.*.so")
    tag = "cpython-" + runtime.removeprefix("python").replace(".", "")
    machine = {"arm64": "aarch64", "x86_64": "x86_64"}[architecture]
    assert tag in binary.name
    assert machine in binary.name
    assert (layer_directory / "itsdangerous").is_dir()
