"""The IAM actions a handler's code can need, read from the code itself.

The handler's module and every ``tasks`` module it imports (directly, or by name through
``importlib``) are parsed; in each, a boto3 operation (``put_item``, ``send_email``,
``get_paginator("list_ingestion_jobs")``, ``getattr(table(), "query")``) counts for the
services the module calls (``client("sesv2")``, ``table()``). It over-approximates (an
imported module may hold calls the handler never reaches): the safe side for checking
that no right is missing.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import botocore.session
from botocore import xform_name

from workflows.settings import PROJECT_ROOT

CLIENT_FACTORY = "tasks.common.clients"  # defines the clients; calls nothing
IAM_PREFIXES = {
    "sesv2": "ses",
    "socialmessaging": "social-messaging",
    "bedrock-agent": "bedrock",
    "bedrock-agent-runtime": "bedrock",
    "stepfunctions": "states",
}
# boto3 calls whose IAM action differs from the operation's name.
SPECIAL_ACTIONS = {
    ("s3", "list_objects_v2"): ("s3:ListBucket",),
    ("s3", "generate_presigned_url"): (),  # the action is the presigned method's
    ("dynamodb", "batch_writer"): ("dynamodb:BatchWriteItem",),
    ("dynamodb", "transact_write_items"): ("dynamodb:UpdateItem",),  # each item is checked
    ("dynamodb", "transact_get_items"): ("dynamodb:GetItem",),
}


def module_path(module: str) -> Path:
    base = PROJECT_ROOT.joinpath(*module.split("."))
    return base.with_suffix(".py") if base.with_suffix(".py").exists() else base / "__init__.py"


@cache
def _parse(module: str) -> ast.Module | None:
    path = module_path(module)
    return ast.parse(path.read_text(), str(path)) if path.exists() else None


@cache
def _operations(service: str) -> dict[str, str]:
    """boto3 method name → operation name (``put_item`` → ``PutItem``)."""
    model = _SESSION.get_service_model(service)
    return {xform_name(name): name for name in model.operation_names}


_SESSION = botocore.session.get_session()


def _imports(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("tasks.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tasks"):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Constant) and str(node.value).startswith("tasks."):
            found.add(str(node.value))  # importlib.import_module("tasks.x.y")
    return {name for name in found if _parse(name) is not None}


def imported_modules(module: str) -> set[str]:
    """The module and every ``tasks`` module it imports, transitively."""
    seen: set[str] = set()
    pending = [module]
    while pending:
        current = pending.pop()
        tree = _parse(current)
        if current in seen or tree is None:
            continue
        seen.add(current)
        pending.extend(_imports(tree) - seen)
    return seen


def _strings(tree: ast.Module) -> set[str]:
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def _module_actions(tree: ast.Module, strings: set[str]) -> set[str]:
    """Actions of the services this module calls, for the operations it calls by attribute
    here or names anywhere in the handler's modules (``call("get_item", ...)``)."""
    services: set[str] = set()
    names = set(strings)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        names.add(name)
        first = node.args[0] if node.args else None
        if name in ("client", "resource") and isinstance(first, ast.Constant):
            services.add(str(first.value))
        elif name == "table" and not node.args:
            services.add("dynamodb")
        elif name == "media_link_signer":  # the S3 client that presigns media links
            services.add("s3")
    actions: set[str] = set()
    for service in services:
        prefix = IAM_PREFIXES.get(service, service)
        for operation in names:
            if (service, operation) in SPECIAL_ACTIONS:
                actions.update(SPECIAL_ACTIONS[service, operation])
            elif operation in _operations(service):
                actions.add(f"{prefix}:{_operations(service)[operation]}")
    return actions


def actions_needed(handler: str) -> set[str]:
    """IAM actions (``ses:SendEmail``, ``dynamodb:PutItem``, ...) the handler may call."""
    module = handler.rsplit(".", 1)[0]
    if _parse(module) is None:
        raise FileNotFoundError(f"{handler}: no module {module_path(module)}")
    trees = [_parse(name) for name in sorted(imported_modules(module) - {CLIENT_FACTORY})]
    strings = {text for tree in trees for text in _strings(tree)}  # type: ignore[arg-type]
    return {action for tree in trees for action in _module_actions(tree, strings)}  # type: ignore[arg-type]
