"""What an operator does in the tests: run ``wecare-flows`` and invoke the action Lambda.

Both go through the same doors as in production: the CLI's ``main`` with its argv, and
``lambda:Invoke`` of the runbook's action function on the runtime's endpoint.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from workflows.cli.main import main
from workflows.local.runtime import LocalRuntime

ACTION_FUNCTION = "base-wecare-digital-whatsapp"


def wecare_flows(
    capsys: pytest.CaptureFixture[str], endpoint: str, *args: str
) -> tuple[int, str, str]:
    """``wecare-flows --endpoint-url ENDPOINT ARGS...`` in-process: (exit code, stdout, stderr)."""
    argv, sys.argv = sys.argv, ["wecare-flows", "--endpoint-url", endpoint, *args]
    try:
        main()
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def invoke_action(runtime: LocalRuntime, payload: dict[str, Any]) -> dict[str, Any]:
    """``aws lambda invoke --function-name base-wecare-digital-whatsapp --payload ...``"""
    response = runtime.client("lambda").invoke(
        FunctionName=ACTION_FUNCTION, Payload=json.dumps(payload).encode()
    )
    return json.loads(response["Payload"].read())
