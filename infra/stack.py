"""The one stack of wecare-flows: the constructs of ``infra``, wired together."""

from __future__ import annotations

from typing import Any

from aws_cdk import Annotations, CfnOutput, Stack
from constructs import Construct

from infra.access import FUNCTION_ACCESS, AccessPolicies, AccessTargets
from infra.approvals import ApprovalEndpoint
from infra.data import ProjectData
from infra.encryption import TopicKey
from infra.execution_status import ExecutionStatusRules
from infra.functions import ProjectFunctions
from infra.knowledge_base import KnowledgeBaseDataSource
from infra.messaging import NOTIFY_WORKFLOW, NotifyPipes, NotifyQueues, WabaEventDestination
from infra.monitoring import Monitoring
from infra.schedules import WorkflowSchedules
from infra.tenants import TenantRecords
from infra.workflows import SubstitutedResource, WorkflowStateMachines
from workflows import catalog
from workflows.catalog import ServiceFunction
from workflows.resources import TEMPLATES_BY_STATUS_INDEX
from workflows.settings import Settings

METRICS_NAMESPACE = "WecareFlows"


class WecareFlowsStack(Stack):
    """Everything the catalog (``workflows.catalog``) needs on AWS, configured from the
    context of ``cdk.json`` (``settings``)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, settings: Settings, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.settings = settings
        self.workflow_specs = catalog.WORKFLOWS
        self.service_specs = catalog.SERVICE_FUNCTIONS
        self.data = ProjectData(self, "Data")
        TenantRecords(self, "Tenants", table=self.data.table, tenants=settings.tenants)
        self.topic_key = TopicKey(self, "TopicKey")
        self.notify = NotifyQueues(self, "Notify")
        self.knowledge_base = KnowledgeBaseDataSource(
            self, "KnowledgeBase", knowledge_base=settings.knowledge_base
        )
        self.approvals = ApprovalEndpoint(
            self, "Approvals", serves_http=bool(self._service_specs("http"))
        )
        self.functions = self._functions()
        self.resource_substitutions = self._resource_substitutions()
        self.workflows = WorkflowStateMachines(
            self,
            "Workflows",
            workflows=self.workflow_specs,
            function_arns={name: f.function_arn for name, f in self.functions.functions.items()},
            resources=self.resource_substitutions,
        )
        self._triggers()
        self.monitoring = self._monitoring()
        self._check_resource_placeholders()
        self._outputs()

    def _service_specs(self, trigger: str) -> list[ServiceFunction]:
        return [spec for spec in self.service_specs if spec.trigger == trigger]

    def _functions(self) -> ProjectFunctions:
        tasks = [task for workflow in self.workflow_specs for task in workflow.tasks]
        targets = AccessTargets(
            table=self.data.table,
            media_bucket=self.data.media_bucket,
            approval_secret=self.approvals.secret,
            knowledge_base_arn=self.knowledge_base.knowledge_base_arn,
            workflow_names=tuple(workflow.name for workflow in self.workflow_specs),
            settings=self.settings,
        )
        return ProjectFunctions(
            self,
            "Functions",
            specs=[*tasks, *self.service_specs],
            environment=self._function_environment(),
            access=FUNCTION_ACCESS,
            policies=AccessPolicies(self, targets),
        )

    def _triggers(self) -> None:
        """What starts the workflows and the service functions besides the CLI."""
        notify = next((w for w in self.workflow_specs if w.name == NOTIFY_WORKFLOW), None)
        if notify is not None and notify.type == "EXPRESS":
            NotifyPipes(
                self,
                "NotifyPipes",
                queues=self.notify.queues,
                workflow=notify,
                state_machine=self.workflows.state_machines[notify.name],
            )
        self.waba_events = WabaEventDestination(
            self,
            "WabaEvents",
            key=self.topic_key.key,
            subscribers=[self.functions[spec.name] for spec in self._service_specs("sns")],
        )
        self.topic_key.allow_publisher("social-messaging.amazonaws.com")
        for spec in self._service_specs("http"):
            self.approvals.serve(self.functions[spec.name], spec.name)
        self.execution_status = ExecutionStatusRules(
            self,
            "ExecutionStatusRules",
            specs=self._service_specs("execution-status"),
            functions=self.functions.functions,
            state_machines=self.workflows.state_machines,
            dead_letter_queue=self.notify.delivery_dead_letters,
        )
        WorkflowSchedules(
            self,
            "Schedules",
            workflows=self.workflow_specs,
            state_machines=self.workflows.state_machines,
            dead_letter_queue=self.notify.delivery_dead_letters,
        )

    def _monitoring(self) -> Monitoring:
        monitoring = Monitoring(
            self,
            "Monitoring",
            key=self.topic_key.key,
            notify_email=self.settings.ops_notify_to,
            functions=self.functions.functions,
            state_machines=self.workflows.state_machines,
            queues=self.notify.queues,
            dead_letter_queues={
                **self.notify.dead_letter_queues,
                **self.waba_events.dead_letter_queues,
            },
            table=self.data.table,
            rules={**self.notify.rules, **self.execution_status.rules},
        )
        self.topic_key.allow_publisher("cloudwatch.amazonaws.com")
        return monitoring

    def _function_environment(self) -> dict[str, str]:
        """What every function reads: the same variables as in the embedded runtime."""
        environment = {
            "TABLE_NAME": self.data.table.table_name,
            "MEDIA_BUCKET_NAME": self.data.media_bucket.bucket_name,
            **self.settings.task_environment(),
            "APPROVAL_SECRET_ARN": self.approvals.secret.secret_arn,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        }
        if self.knowledge_base.data_source_id is not None:
            environment["DATA_SOURCE_ID"] = self.knowledge_base.data_source_id
        if self.approvals.base_url is not None:
            environment["APPROVAL_BASE_URL"] = self.approvals.base_url
        return environment

    def _resource_substitutions(self) -> dict[str, SubstitutedResource]:
        """The value of each resource placeholder an ASL file may use (RESOURCE_PLACEHOLDERS)."""
        table, bucket = self.data.table, self.data.media_bucket
        return {
            "TableName": SubstitutedResource(
                table.table_name,
                "dynamodb",
                (table.table_arn,),
                index_arns=(f"{table.table_arn}/index/{TEMPLATES_BY_STATUS_INDEX}",),
            ),
            "MediaBucketName": SubstitutedResource(
                bucket.bucket_name, "s3", (bucket.bucket_arn, bucket.arn_for_objects("*"))
            ),
        }

    def _check_resource_placeholders(self) -> None:
        missing = set(catalog.RESOURCE_PLACEHOLDERS) - self.resource_substitutions.keys()
        if missing:
            Annotations.of(self).add_error(
                f"RESOURCE_PLACEHOLDERS {', '.join(sorted(missing))} have no value: add them "
                "to WecareFlowsStack._resource_substitutions"
            )

    def _outputs(self) -> None:
        CfnOutput(
            self,
            "WabaEventsTopicArn",
            value=self.waba_events.topic.topic_arn,
            description="Set as each WABA's event destination",
        )
        CfnOutput(self, "AlarmTopicArn", value=self.monitoring.topic.topic_arn)
        CfnOutput(self, "TableName", value=self.data.table.table_name)
        CfnOutput(self, "MediaBucketName", value=self.data.media_bucket.bucket_name)
        CfnOutput(self, "ApprovalSecretArn", value=self.approvals.secret.secret_arn)
        if self.approvals.base_url is not None:
            CfnOutput(self, "ApprovalBaseUrl", value=self.approvals.base_url)
