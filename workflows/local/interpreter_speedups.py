"""Work moto's interpreter repeats for every execution, done once.

Measured on message-notify (a Pass, five Lambda tasks, a Choice), each execution spent
more CPU on these than on the project's own handlers:

* the definition is parsed again with ANTLR (about 60 ms): parse it once per definition
  and give each execution its own deep copy (about 3 ms), so no execution shares state
  with another;
* every JSONPath (``$.a.b``) is compiled again by jsonpath-ng, which rebuilds its parser
  tables each time: compile each path once (a compiled path is not changed by use);
* every Lambda task goes through a new boto3 client (endpoint, SSL context), botocore's
  serializer, moto's request dispatch and back, only to reach the in-process handler:
  a task whose function is in the catalog calls the handler registry directly, with
  the same payload and the same ``FunctionError`` an invocation returns; any other
  function still goes through moto, with one thread-safe client per Region.
"""

from __future__ import annotations

import copy
import functools
import json
from types import SimpleNamespace
from typing import Any

from botocore.client import BaseClient
from jsonpath_ng import parse as parse_json_path
from jsonpath_ng.ext import parse as parse_extended_json_path
from moto.stepfunctions.parser.asl.component.common.path import result_path
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.asl.utils import json_path
from moto.stepfunctions.parser.asl.utils.boto_client import boto_client_for
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from workflows.local.lambdas import REGISTRY

_moto_invoke_lambda_function = lambda_eval_utils._invoke_lambda_function


@functools.lru_cache(maxsize=64)
def _parsed(definition: str) -> Any:
    return AmazonStateLanguageParser.parse(definition)[0]


def _evaluation_entrypoint(self: ExecutionWorker) -> Any:
    return copy.deepcopy(_parsed(self._evaluation_details.state_machine_details.definition))


@functools.lru_cache(maxsize=32)
def _client(region: str, service: str) -> BaseClient:
    return boto_client_for(region=region, service=service)


def _reused_client(region: str, service: str, state_credentials: Any = None) -> BaseClient:
    return _client(region, service)


def _invoke_lambda_function(
    parameters: dict[str, Any], region: str, state_credentials: Any
) -> dict[str, Any]:
    arn = str(parameters["FunctionName"])
    name = arn.rsplit(":", 1)[-1]
    if not REGISTRY.knows(name):
        return _moto_invoke_lambda_function(parameters, region, state_credentials)
    event = json.loads(parameters.get("Payload") or b"{}")
    payload, error_type = REGISTRY.invoke(
        SimpleNamespace(function_name=name, function_arn=arn), event
    )
    response: dict[str, Any] = {
        "StatusCode": 200,
        "ExecutedVersion": "$LATEST",
        # What the handler's answer becomes on the wire.
        "Payload": json.loads(json.dumps(payload, default=str)),
    }
    if error_type is not None:
        response["FunctionError"] = "Unhandled"
    return response


def install() -> None:
    ExecutionWorker._get_evaluation_entrypoint = _evaluation_entrypoint
    json_path.parse = functools.lru_cache(maxsize=1024)(parse_extended_json_path)
    result_path.parse = functools.lru_cache(maxsize=1024)(parse_json_path)
    lambda_eval_utils.boto_client_for = _reused_client
    lambda_eval_utils._invoke_lambda_function = _invoke_lambda_function
