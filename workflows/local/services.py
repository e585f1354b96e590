"""The AWS resources of the project, created in moto for the embedded runtime.

What the CDK app deploys, made here with the same names: the table, the media bucket,
the notify queues with their dead-letter queues, the EventBridge rules, the verified
SES sender, one Lambda function per catalog task and one state machine per workflow.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import boto3

from workflows import resources
from workflows.catalog import (
    SERVICE_FUNCTIONS,
    WORKFLOWS,
    TaskFunction,
    Workflow,
    all_functions,
)
from workflows.settings import Settings

ROLE_NAME = "wecare-flows-local"
TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _placeholder_zip() -> bytes:
    """Lambda wants code; the runtime runs the handler from ``tasks/`` instead."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "Runs in-process from the project's tasks/ package.\n")
    return buffer.getvalue()


class LocalServices:
    """Creates the project's resources in moto; returns the ASL substitutions."""

    def __init__(self, settings: Settings, session: boto3.Session) -> None:
        self.settings = settings
        self.session = session
        self.state_machine_arns: dict[str, str] = {}
        self.queue_urls: dict[str, str] = {}
        self.substitutions: dict[str, str] = {}
        self._clients: dict[str, Any] = {}
        self.waba_events_topic_arn = ""

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service, region_name=self.settings.region)
        return self._clients[service]

    def create_all(self) -> None:
        role_arn = self._create_role()
        self._create_table()
        self.client("s3").create_bucket(
            Bucket=resources.MEDIA_BUCKET_NAME,
            CreateBucketConfiguration={"LocationConstraint": self.settings.region},
        )
        self._create_notify_queues_and_rules()
        self._verify_mail_identities()
        self._seed_tenants()
        self.substitutions = {
            "TableName": resources.TABLE_NAME,
            "MediaBucketName": resources.MEDIA_BUCKET_NAME,
            **self._create_functions(role_arn),
        }
        for workflow in WORKFLOWS:
            self._create_state_machine(workflow, role_arn)
        self._subscribe_waba_event_destination()

    def _create_role(self) -> str:
        role = self.client("iam").create_role(
            RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(TRUST_POLICY)
        )
        return role["Role"]["Arn"]

    def _create_table(self) -> None:
        status_key, sort_key = resources.TEMPLATES_BY_STATUS_KEYS
        dynamodb = self.client("dynamodb")
        dynamodb.create_table(
            TableName=resources.TABLE_NAME,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": resources.TABLE_PARTITION_KEY, "AttributeType": "S"},
                {"AttributeName": resources.TABLE_SORT_KEY, "AttributeType": "S"},
                {"AttributeName": status_key, "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": resources.TABLE_PARTITION_KEY, "KeyType": "HASH"},
                {"AttributeName": resources.TABLE_SORT_KEY, "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": resources.TEMPLATES_BY_STATUS_INDEX,
                    "KeySchema": [
                        {"AttributeName": status_key, "KeyType": "HASH"},
                        {"AttributeName": sort_key, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        dynamodb.update_time_to_live(
            TableName=resources.TABLE_NAME,
            TimeToLiveSpecification={
                "Enabled": True,
                "AttributeName": resources.TABLE_TTL_ATTRIBUTE,
            },
        )

    def _create_notify_queues_and_rules(self) -> None:
        sqs, events = self.client("sqs"), self.client("events")
        for queue in resources.NOTIFY_QUEUES:
            dlq_url = sqs.create_queue(QueueName=queue.dead_letter_name)["QueueUrl"]
            dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])
            url = sqs.create_queue(
                QueueName=queue.name,
                Attributes={
                    "VisibilityTimeout": str(queue.visibility_timeout_seconds),
                    "RedrivePolicy": json.dumps(
                        {
                            "deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"],
                            "maxReceiveCount": str(queue.max_receive_count),
                        }
                    ),
                },
            )["QueueUrl"]
            self.queue_urls[queue.name] = url
            self.queue_urls[queue.dead_letter_name] = dlq_url
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            events.put_rule(
                Name=queue.rule_name,
                EventPattern=json.dumps(
                    {"source": [resources.EVENT_SOURCE], "detail-type": [queue.detail_type]}
                ),
            )
            events.put_targets(
                Rule=queue.rule_name,
                Targets=[{"Id": "notify-queue", "Arn": arn["Attributes"]["QueueArn"]}],
            )

    def _verify_mail_identities(self) -> None:
        ses = self.client("ses")
        for address in {self.settings.ses_sender_email, *self._recipients()}:
            ses.verify_email_identity(EmailAddress=address)

    def _recipients(self) -> set[str]:
        settings = self.settings
        approvers = {a for tenant in settings.tenants for a in tenant.approvers}
        return {
            settings.ops_notify_to,
            settings.inbound_notify_to,
            settings.outbound_notify_to,
            *approvers,
        }

    def _seed_tenants(self) -> None:
        table = self.session.resource("dynamodb", region_name=self.settings.region).Table(
            resources.TABLE_NAME
        )
        for tenant in self.settings.tenants:
            for record in tenant.records():
                table.put_item(Item=record)

    def _create_functions(self, role_arn: str) -> dict[str, str]:
        client = self.client("lambda")
        code = _placeholder_zip()
        arns: dict[str, str] = {}
        for function in all_functions():
            created = client.create_function(
                FunctionName=function.function_name,
                Runtime="python3.12",
                Role=role_arn,
                Handler=function.handler,
                Code={"ZipFile": code},
                Description=function.description[:256],
                Timeout=function.timeout_seconds,
                MemorySize=function.memory_mb,
                Environment={"Variables": {"WECARE_LOCAL": "1"}},
            )
            if isinstance(function, TaskFunction):
                arns[function.placeholder] = created["FunctionArn"]
        return arns

    def _subscribe_waba_event_destination(self) -> None:
        """The SNS topic End User Messaging Social publishes to, and its subscribers."""
        sns = self.client("sns")
        self.waba_events_topic_arn = sns.create_topic(Name=resources.WABA_EVENTS_TOPIC_NAME)[
            "TopicArn"
        ]
        lambdas = self.client("lambda")
        for function in SERVICE_FUNCTIONS:
            if function.trigger == "sns":
                arn = lambdas.get_function(FunctionName=function.function_name)
                sns.subscribe(
                    TopicArn=self.waba_events_topic_arn,
                    Protocol="lambda",
                    Endpoint=arn["Configuration"]["FunctionArn"],
                )

    def _create_state_machine(self, workflow: Workflow, role_arn: str) -> None:
        created = self.client("stepfunctions").create_state_machine(
            name=workflow.name,
            definition=workflow.render(self.substitutions),
            roleArn=role_arn,
            type=workflow.type,
        )
        self.state_machine_arns[workflow.name] = created["stateMachineArn"]
