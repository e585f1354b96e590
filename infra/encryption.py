"""The customer managed key of the project's SNS topics.

AWS services that publish to an encrypted topic (End User Messaging Social, CloudWatch
alarms) need a key policy that lets them use the key, which the AWS managed SNS key
cannot have.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct


class TopicKey(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            alias="alias/wecare-flows-topics",
            description="Encrypts the wecare-flows SNS topics (WABA events, alarms)",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

    def allow_publisher(self, service: str) -> None:
        """Let an AWS service publish to topics encrypted with this key; which account's
        service may publish is for each topic's policy to say."""
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(service)],
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                resources=["*"],
            )
        )
