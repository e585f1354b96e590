"""The tenants of ``cdk.json`` written into the table, as the embedded runtime seeds them.

Each record is put when the stack is created and again whenever its context changes;
cdk.json stays the source of a tenant's configuration. Deleting the stack leaves the
records with the (retained) table.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr
from boto3.dynamodb.types import TypeSerializer
from cdk_nag import NagSuppressions
from constructs import Construct

from infra.building_blocks import log_group
from workflows.settings import Tenant

SERIALIZER = TypeSerializer()
PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287"  # AwsCustomResource's singleton function


def _attribute_values(item: dict[str, Any]) -> dict[str, Any]:
    return {key: SERIALIZER.serialize(value) for key, value in item.items()}


class TenantRecords(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.ITable,
        tenants: tuple[Tenant, ...],
    ) -> None:
        super().__init__(scope, construct_id)
        self.records: list[cr.AwsCustomResource] = []
        provider_logs = log_group(self, "ProviderLogs")
        for tenant in tenants:
            for record in tenant.records():
                put_item = cr.AwsSdkCall(
                    service="DynamoDB",
                    action="putItem",
                    parameters={
                        "TableName": table.table_name,
                        "Item": _attribute_values(record),
                    },
                    physical_resource_id=cr.PhysicalResourceId.of(f"{record['PK']}|{record['SK']}"),
                )
                self.records.append(
                    cr.AwsCustomResource(
                        self,
                        f"{record['PK']}-{record['SK']}".replace("#", "-"),
                        on_create=put_item,
                        on_update=put_item,
                        policy=cr.AwsCustomResourcePolicy.from_statements(
                            [
                                iam.PolicyStatement(
                                    actions=["dynamodb:PutItem"], resources=[table.table_arn]
                                )
                            ]
                        ),
                        install_latest_aws_sdk=False,
                        resource_type="Custom::TenantRecord",
                        log_group=provider_logs,
                    )
                )
        self._suppress_provider_findings()

    def _suppress_provider_findings(self) -> None:
        if not self.records:
            return
        stack = Stack.of(self)
        NagSuppressions.add_resource_suppressions_by_path(
            stack,
            # The provider function CDK shares between every AwsCustomResource of a stack.
            f"{stack.node.path}/{PROVIDER_ID}",
            [
                {
                    "id": "AwsSolutions-IAM4",
                    "reason": "The provider function of CDK's AwsCustomResource logs through "
                    "AWSLambdaBasicExecutionRole; it runs only during deployments.",
                    "appliesTo": [
                        "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                        "AWSLambdaBasicExecutionRole"
                    ],
                },
                {
                    "id": "AwsSolutions-L1",
                    "reason": "aws-cdk-lib picks the runtime of AwsCustomResource's provider; "
                    "it runs only during deployments.",
                },
            ],
            True,
        )
