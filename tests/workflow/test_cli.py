"""The ``wecare-flows`` commands and the AWS CLI against the runtime's endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.operator import wecare_flows
from workflows.cli.errors import ExitCode
from workflows.local.standins.knowledge_base import IngestionPlan


def test_list_shows_each_workflow_with_its_type_and_triggers(capsys, endpoint) -> None:
    code, out, _ = wecare_flows(capsys, endpoint, "list")
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("kb-sync"))
    assert "STANDARD" in line and "schedule 02:00 UTC" in line


def test_start_with_watch_follows_states_and_exits_zero(capsys, endpoint, runtime) -> None:
    runtime.knowledge_base.plan_next_job(IngestionPlan(duration_seconds=600))

    code, out, err = wecare_flows(capsys, endpoint, "start", "kb-sync", "--watch")

    assert code == ExitCode.OK, err
    lines = out.splitlines()
    assert lines[0].startswith("arn:aws:states:ap-south-1:123456789012:execution:kb-sync:")
    assert any("> StartIngestionJob" in line for line in lines)
    assert any("IngestionJobStillRunning" in line for line in lines)
    assert "SUCCEEDED" in lines[-1]


def test_watch_exits_non_zero_when_the_execution_fails(capsys, endpoint, runtime) -> None:
    runtime.knowledge_base.plan_next_job(IngestionPlan(duration_seconds=300, outcome="FAILED"))
    _, out, _ = wecare_flows(capsys, endpoint, "start", "kb-sync")
    arn = out.strip()

    code, out, _ = wecare_flows(capsys, endpoint, "watch", arn)

    assert code == ExitCode.EXECUTION_FAILED
    assert "FAILED" in out.splitlines()[-1] and "IngestionJobFailed" in out


def test_status_and_history_describe_a_finished_execution(capsys, endpoint, runtime) -> None:
    runtime.knowledge_base.plan_next_job(IngestionPlan(duration_seconds=300))
    arn = runtime.start_execution("kb-sync", {"trigger": "manual"})
    runtime.wait_for(arn, 30)

    code, status, _ = wecare_flows(capsys, endpoint, "status", arn)
    assert code == 0
    assert "status     SUCCEEDED" in status and '"outcome": "COMPLETE"' in status

    code, timeline, _ = wecare_flows(capsys, endpoint, "history", arn)
    assert code == 0
    steps = [line.split("> ")[1] for line in timeline.splitlines() if "> " in line]
    assert steps == ["StartIngestionJob", "WaitForIngestionJob", "JobOutcome",
                     "RecordCompletedRun", "SyncComplete"]

    code, raw, _ = wecare_flows(capsys, endpoint, "history", arn, "--json")
    events = json.loads(raw)
    assert events[0]["type"] == "ExecutionStarted"
    assert events[-1]["type"] == "ExecutionSucceeded"


def test_input_from_a_file_reaches_the_execution(capsys, endpoint, runtime, tmp_path) -> None:
    request = tmp_path / "sync.json"
    request.write_text(json.dumps({"knowledgeBaseId": "WECAREKB01", "trigger": "manual"}))

    code, out, _ = wecare_flows(capsys, endpoint, "start", "kb-sync", "--input", f"@{request}")

    assert code == 0
    described = runtime.client("stepfunctions").describe_execution(executionArn=out.strip())
    assert json.loads(described["input"])["trigger"] == "manual"


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (("start", "kb-sync", "--input", "{bad"), ExitCode.BAD_INPUT, "--input is not valid JSON"),
        (("start", "kb-sync", "--input", "[1]"), ExitCode.BAD_INPUT, "must be a JSON object"),
        (("start", "kb-sync", "--input", "@/no/such.json"), ExitCode.BAD_INPUT, "cannot be read"),
        (("start", "kb-sinc"), ExitCode.NOT_FOUND, "unknown workflow 'kb-sinc'"),
        (("start", "kb-sync", "--input", '{"knowledgeBaseId": "NOPE000000"}'),
         ExitCode.NOT_FOUND, "knowledge base NOPE000000"),
        (("start", "kb-sync", "--input", '{"knowledgeBaseId": "x"}'),
         ExitCode.BAD_INPUT, "not a Bedrock id"),
        (("history", "not-an-arn"), ExitCode.BAD_INPUT, "is not an execution ARN"),
        (("status", "arn:aws:states:ap-south-1:123456789012:execution:kb-sync:none"),
         ExitCode.NOT_FOUND, "ExecutionDoesNotExist"),
        (("fire", "hourly"), ExitCode.NOT_FOUND, "unknown schedule 'hourly'"),
    ],
)
def test_user_errors_get_one_line_and_their_own_exit_code(
    capsys, endpoint, args, exit_code, message
) -> None:
    code, out, err = wecare_flows(capsys, endpoint, *args)

    assert code == exit_code
    assert err.startswith("error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err + out


def test_an_unreachable_endpoint_says_how_to_start_the_runtime(capsys) -> None:
    code, _, err = wecare_flows(capsys, "http://127.0.0.1:9", "start", "kb-sync")

    assert code == ExitCode.UNREACHABLE
    assert "no runtime answers at http://127.0.0.1:9" in err and "make local" in err


def test_fire_starts_the_scheduled_sync_now(capsys, endpoint, runtime) -> None:
    code, out, _ = wecare_flows(capsys, endpoint, "fire", "kb-sync-daily")

    assert code == 0
    described = runtime.wait_for(out.strip(), 30)
    assert json.loads(described["input"]) == {"trigger": "schedule"}
    assert ":kb-sync-daily-" in described["executionArn"]


def test_outbox_lists_the_mail_the_runtime_sent(capsys, endpoint, runtime) -> None:
    runtime.knowledge_base.plan_next_job(IngestionPlan(duration_seconds=60, outcome="FAILED"))
    runtime.wait_for(runtime.start_execution("kb-sync"), 30)

    code, out, _ = wecare_flows(capsys, endpoint, "outbox")

    assert code == 0
    assert "ops@wecare.digital" in out and "Knowledge-base sync failed" in out


def test_the_aws_cli_lists_starts_and_reads_executions(endpoint: str) -> None:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
           "AWS_DEFAULT_REGION": "ap-south-1"}

    def aws(*args: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "awscli", *args, "--endpoint-url", endpoint, "--output",
             "json"], capture_output=True, text=True, env=env, timeout=60, check=True,
            cwd=Path(__file__).parent,
        )
        return json.loads(done.stdout)

    machines = aws("stepfunctions", "list-state-machines")["stateMachines"]
    arn = next(m["stateMachineArn"] for m in machines if m["name"] == "kb-sync")
    first = aws("stepfunctions", "start-execution", "--state-machine-arn", arn)["executionArn"]
    second = aws("stepfunctions", "start-execution", "--state-machine-arn", arn)["executionArn"]
    assert first != second  # unnamed starts each get their own name
    events = aws("stepfunctions", "get-execution-history", "--execution-arn", first)["events"]
    assert events[0]["type"] == "ExecutionStarted"
