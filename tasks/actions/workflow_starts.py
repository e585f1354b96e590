"""Starting a workflow from an action: the state machine is named after the workflow."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tasks.common.clients import client


def state_machine_arn(workflow_name: str, context: LambdaContext) -> str:
    """``arn:aws:states:REGION:ACCOUNT:stateMachine:NAME``, from this function's own ARN."""
    _, partition, _, region, account, *_ = context.invoked_function_arn.split(":")
    return f"arn:{partition}:states:{region}:{account}:stateMachine:{workflow_name}"


def start_workflow(
    workflow_name: str, execution_input: dict[str, Any], context: LambdaContext
) -> dict[str, Any]:
    response = client("stepfunctions").start_execution(
        stateMachineArn=state_machine_arn(workflow_name, context),
        input=json.dumps(execution_input),
    )
    return {"workflow": workflow_name, "executionArn": response["executionArn"]}
