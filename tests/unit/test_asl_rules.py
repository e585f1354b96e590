"""Every ASL file obeys the project's rules; a new workflow cannot skip them."""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest

import tasks
from workflows.catalog import ASL_DIR, RESOURCE_PLACEHOLDERS, WORKFLOWS, Workflow
from workflows.local.runtime import LocalRuntime

TRANSIENT_ERRORS = {"ServiceThrottled", "ServiceUnavailable", "Lambda.ServiceException",
                    "Lambda.TooManyRequestsException"}


def states_of(definition: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict]]:
    """Every state, including those inside Parallel branches and Map item processors."""
    for name, state in definition.get("States", {}).items():
        yield f"{path}{name}", state
        for branch in state.get("Branches", []):
            yield from states_of(branch, f"{path}{name}/")
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from states_of(state[key], f"{path}{name}/")


def task_error_names() -> set[str]:
    """The class names of every exception defined under ``tasks/``: the ASL error names."""
    names = set()
    for module_info in pkgutil.walk_packages(tasks.__path__, "tasks."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Exception):
                names.add(value.__name__)
    return names


def test_every_asl_file_is_in_the_catalog_and_every_entry_has_one() -> None:
    files = {path.name.removesuffix(".asl.json") for path in ASL_DIR.glob("*.asl.json")}
    assert files == {entry.name for entry in WORKFLOWS}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_the_state_machine_has_a_timeout(workflow: Workflow) -> None:
    assert workflow.definition().get("TimeoutSeconds", 0) > 0


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_every_task_has_a_timeout_a_transient_retry_and_a_catch(workflow: Workflow) -> None:
    for name, state in states_of(workflow.definition()):
        if state["Type"] != "Task":
            continue
        assert "TimeoutSeconds" in state or "TimeoutSecondsPath" in state, f"{name}: no timeout"
        retried = {error for rule in state.get("Retry", []) for error in rule["ErrorEquals"]}
        assert retried >= TRANSIENT_ERRORS, f"{name}: no Retry for {TRANSIENT_ERRORS - retried}"
        assert state.get("Catch"), f"{name}: no Catch"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_every_retried_or_caught_error_name_can_happen(workflow: Workflow) -> None:
    known = task_error_names()
    for name, state in states_of(workflow.definition()):
        for rule in state.get("Retry", []) + state.get("Catch", []):
            for error in rule["ErrorEquals"]:
                assert error.startswith(("States.", "Lambda.")) or error in known, (
                    f"{name}: {error} is raised by no task, so this rule never matches"
                )


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_every_callback_wait_has_a_deadline(workflow: Workflow) -> None:
    for name, state in states_of(workflow.definition()):
        if state.get("Resource", "").endswith(".waitForTaskToken"):
            assert "TimeoutSeconds" in state or "TimeoutSecondsPath" in state, name


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.name)
def test_placeholders_name_the_workflows_own_tasks_or_shared_resources(workflow: Workflow) -> None:
    allowed = {task.placeholder for task in workflow.tasks} | set(RESOURCE_PLACEHOLDERS)
    assert workflow.placeholders() <= allowed
    unused = {task.placeholder for task in workflow.tasks} - workflow.placeholders()
    assert not unused, f"catalog tasks the ASL never calls: {unused}"


def test_the_runtime_provides_every_placeholder_and_creates_every_machine(
    runtime: LocalRuntime,
) -> None:
    assert runtime.services is not None
    for entry in WORKFLOWS:
        assert entry.placeholders() <= runtime.services.substitutions.keys()
        rendered = json.loads(entry.render(runtime.services.substitutions))
        assert "${" not in json.dumps(rendered)
        described = runtime.client("stepfunctions").describe_state_machine(
            stateMachineArn=runtime.state_machine_arns[entry.name]
        )
        assert described["type"] == entry.type
