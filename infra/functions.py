"""One Lambda per function of the catalog: the task handlers and the service functions.

All of them share one code asset (the ``tasks`` package) and one dependency layer, both
built by :mod:`infra.packaging` without Docker. Each has its own role, holding only what
``infra.access.FUNCTION_ACCESS`` lists for it, and its own log group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from aws_cdk import Annotations, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from cdk_nag import NagSuppressions
from constructs import Construct

from infra.access import Access, AccessPolicies
from infra.building_blocks import log_group
from infra.packaging import dependency_layer_zip, task_code_zip
from workflows.catalog import ServiceFunction, TaskFunction

RUNTIME = lambda_.Runtime.PYTHON_3_14
ARCHITECTURE = lambda_.Architecture.ARM_64
PIP_PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}

FunctionSpec = TaskFunction | ServiceFunction

# What a function role may hold with a wildcard, and why; infra.access grants the rest
# on named resources only.
ROLE_SUPPRESSIONS = [
    {
        "id": "AwsSolutions-IAM5",
        "reason": "X-Ray (PutTraceSegments, PutTelemetryRecords) and Step Functions' task-token "
        "calls (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) take no resource-level "
        "permission; they need Resource '*'.",
        "appliesTo": ["Resource::*"],
    },
    {
        "id": "AwsSolutions-IAM5",
        "reason": "Media object keys are made per message, so reading or writing media needs "
        "every key of the media bucket (and of that bucket only).",
        "appliesTo": [{"regex": "/^Resource::<.*MediaBucket.*\\.Arn>\\/\\*$/g"}],
    },
    {
        "id": "AwsSolutions-IAM5",
        "reason": "Execution names are made per start, so describing executions needs every "
        "execution of the named state machines (and of those only).",
        "appliesTo": [
            {"regex": "/^Resource::arn:<AWS::Partition>:states:.+:execution:[a-z0-9-]+:\\*$/g"}
        ],
    },
]


class ProjectFunctions(Construct):
    """The catalog's Lambdas, by function name."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        specs: Iterable[FunctionSpec],
        environment: Mapping[str, str],
        access: Mapping[str, frozenset[Access]],
        policies: AccessPolicies,
    ) -> None:
        super().__init__(scope, construct_id)
        python_version = RUNTIME.name.removeprefix("python")
        self.dependencies = lambda_.LayerVersion(
            self,
            "Dependencies",
            code=lambda_.Code.from_asset(
                str(dependency_layer_zip(python_version, PIP_PLATFORMS[ARCHITECTURE.name]))
            ),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="Powertools, boto3 and the other pinned libraries of the task handlers",
        )
        self.code = lambda_.Code.from_asset(str(task_code_zip()))
        self.environment = dict(environment)
        self.functions: dict[str, lambda_.Function] = {}
        for spec in specs:
            function = self._function(spec)
            self._grant(function, spec, access.get(spec.function_name), policies)
            self.functions[spec.function_name] = function

    def __getitem__(self, function_name: str) -> lambda_.Function:
        return self.functions[function_name]

    def _function(self, spec: FunctionSpec) -> lambda_.Function:
        construct_id = _pascal(spec.function_name)
        logs = log_group(self, f"{construct_id}Logs", f"/aws/lambda/{spec.function_name}")
        role = iam.Role(
            self,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Lambda {spec.function_name}: its log group and what it calls",
        )
        logs.grant_write(role)
        function = lambda_.Function(
            self,
            construct_id,
            function_name=spec.function_name,
            description=spec.description[:256],
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=spec.handler,
            code=self.code,
            layers=[self.dependencies],
            timeout=Duration.seconds(spec.timeout_seconds),
            memory_size=spec.memory_mb,
            environment=self.environment,
            role=role,
            log_group=logs,
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=lambda_.ApplicationLogLevel.INFO,
            system_log_level_v2=lambda_.SystemLogLevel.WARN,
            tracing=lambda_.Tracing.ACTIVE,
        )
        NagSuppressions.add_resource_suppressions(role, ROLE_SUPPRESSIONS, apply_to_children=True)
        return function

    def _grant(
        self,
        function: lambda_.Function,
        spec: FunctionSpec,
        rights: frozenset[Access] | None,
        policies: AccessPolicies,
    ) -> None:
        if rights is None:
            Annotations.of(function).add_error(
                f"{spec.function_name} is not listed in infra.access.FUNCTION_ACCESS: "
                "say what it may touch (it has no rights until then)."
            )
            return
        for right in sorted(rights, key=lambda r: r.name):
            statements = policies.statements(right)
            if not statements:
                Annotations.of(function).add_warning_v2(
                    "wecare:access-unavailable",
                    f"{spec.function_name} may {right.value}, but this deployment has no "
                    "such resource (see cdk.json context).",
                )
            for statement in statements:
                function.add_to_role_policy(statement)


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))
