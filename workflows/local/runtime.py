"""The embedded runtime: every workflow of the catalog, whole, on one machine.

``LocalRuntime`` starts moto with its Step Functions interpreter, installs the patches
of :mod:`workflows.local.engine`, creates the project's resources
(:mod:`workflows.local.services`), seeds the tenants, and answers for the services moto
lacks with local stand-ins. Tests use it in-process; ``wecare-flows local`` also serves
it on 127.0.0.1 (:mod:`workflows.local.server`).

Only one runtime runs in a process at a time: moto's backends are process-wide.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID

from tasks.common.clients import forget_clients
from workflows import resources
from workflows.catalog import all_functions, workflow
from workflows.local import engine
from workflows.local.clock import CLOCK
from workflows.local.features import FEATURE_FACTORIES, Feature
from workflows.local.lambdas import REGISTRY, FunctionRegistry
from workflows.local.outbox import Outbox
from workflows.local.services import LocalServices
from workflows.local.standins import StandIns, botocore_hook
from workflows.local.standins.knowledge_base import KnowledgeBaseStandIn
from workflows.settings import LOCAL_ENDPOINT_PORT, Settings, load_settings

TERMINAL_STATUSES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


class LocalRuntime:
    def __init__(
        self,
        time_scale: float = 1.0,
        settings: Settings | None = None,
        log_level: str = "INFO",
    ) -> None:
        self.settings = settings or load_settings()
        self.time_scale = time_scale
        self.log_level = log_level
        self.account_id = DEFAULT_ACCOUNT_ID
        self.region = self.settings.region
        self.knowledge_base = KnowledgeBaseStandIn(
            self.settings.knowledge_base, self.region, self.account_id
        )
        self.stand_ins = StandIns(self.knowledge_base)
        self.outbox = Outbox(self.account_id, self.region)
        self.functions: FunctionRegistry = REGISTRY
        self._mock: Any = None
        self.services: LocalServices | None = None
        self.server: Any = None
        self.features: list[Feature] = []
        # Pages features serve on the endpoint (prefix -> WSGI app), mounted on attach_server.
        self.mounts: dict[str, Any] = {}

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> LocalRuntime:
        engine.install()
        CLOCK.scale = self.time_scale
        self._set_environment()
        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        # moto starts every mock without a default session; give it one that reads
        # botocore's data files through the process's loader.
        boto3.DEFAULT_SESSION = _session(self.region)
        botocore_hook.install(self.stand_ins)
        forget_clients()
        for function in all_functions():
            REGISTRY.register(function)
        REGISTRY.faults.clear()
        REGISTRY.invocations.clear()
        self.services = LocalServices(self.settings, boto3.DEFAULT_SESSION)
        self.services.create_all()
        self.features = [factory() for factory in FEATURE_FACTORIES]
        for feature in self.features:
            feature.start(self)
        return self

    def attach_server(self, server: Any) -> None:
        """Serve the features' pages on ``server``; links in e-mails now point at it."""
        self.server = server
        os.environ["WECARE_PUBLIC_URL"] = server.url
        os.environ["MEDIA_LINK_ENDPOINT"] = server.url
        for prefix, app in self.mounts.items():
            server.mount(prefix, app)

    def stop(self) -> None:
        for feature in reversed(self.features):
            feature.stop(self)
        self.features = []
        if self._mock is not None:
            self._abort_running_executions()
            self._mock.stop()
            self._mock = None
        botocore_hook.uninstall()
        forget_clients()

    def __enter__(self) -> LocalRuntime:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def _set_environment(self) -> None:
        os.environ.update(
            {
                "AWS_DEFAULT_REGION": self.region,
                "AWS_REGION": self.region,
                "TABLE_NAME": resources.TABLE_NAME,
                "MEDIA_BUCKET_NAME": resources.MEDIA_BUCKET_NAME,
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_METRICS_NAMESPACE": "WecareFlows",
                "POWERTOOLS_LOG_LEVEL": self.log_level,
                "WECARE_PUBLIC_URL": f"http://127.0.0.1:{LOCAL_ENDPOINT_PORT}",
                "MEDIA_LINK_ENDPOINT": f"http://127.0.0.1:{LOCAL_ENDPOINT_PORT}",
                **self.settings.task_environment(),
            }
        )

    def _abort_running_executions(self) -> None:
        sfn = self.client("stepfunctions")
        for arn in self.state_machine_arns.values():
            for execution in sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")[
                "executions"
            ]:
                sfn.stop_execution(executionArn=execution["executionArn"], error="RuntimeStopped")

    # -- what callers use ------------------------------------------------------------------

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=self.region)

    @property
    def state_machine_arns(self) -> dict[str, str]:
        assert self.services is not None, "start() the runtime first"
        return self.services.state_machine_arns

    def start_execution(
        self, name: str, execution_input: dict[str, Any] | None = None, execution_name: str = ""
    ) -> str:
        workflow(name)  # raises KeyError for an unknown workflow
        params: dict[str, Any] = {
            "stateMachineArn": self.state_machine_arns[name],
            "input": json.dumps(execution_input or {}),
        }
        if execution_name:
            params["name"] = execution_name
        return self.client("stepfunctions").start_execution(**params)["executionArn"]

    def wait_for(self, execution_arn: str, timeout: float = 30.0) -> dict[str, Any]:
        """Poll until the execution ends (real seconds); returns DescribeExecution."""
        sfn = self.client("stepfunctions")
        deadline = time.monotonic() + timeout
        while True:
            described = sfn.describe_execution(executionArn=execution_arn)
            if described["status"] in TERMINAL_STATUSES:
                return described
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"execution {execution_arn} still {described['status']} after {timeout}s"
                )
            time.sleep(0.01)

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        sfn = self.client("stepfunctions")
        events: list[dict[str, Any]] = []
        for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
            events.extend(page["events"])
        return events

    def table(self) -> Any:
        return boto3.resource("dynamodb", region_name=self.region).Table(resources.TABLE_NAME)


_DATA_LOADER = botocore.loaders.create_loader()


def _session(region: str) -> boto3.Session:
    """A session whose botocore data (endpoints, service models) comes from one loader per
    process: parsing those JSON files again for each runtime cost 0.6 s of every start."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _DATA_LOADER)
    return boto3.Session(botocore_session=core, region_name=region)
