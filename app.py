#!/usr/bin/env python3
"""The CDK app: ``npx aws-cdk@2 deploy`` (see docs/deploy.md), or ``CDK_OUTDIR=cdk.out
python app.py`` to synthesize without the CLI.

cdk-nag's AwsSolutions checks run on every synth; an unsuppressed finding is an error
annotation, which makes ``cdk deploy`` stop before it changes anything.
"""

from __future__ import annotations

import os

from aws_cdk import App, Aspects, Environment, Tags
from cdk_nag import AwsSolutionsChecks

from infra.stack import WecareFlowsStack
from workflows.settings import load_settings

STACK_NAME = "wecare-flows"


def build_app() -> App:
    app = App()
    settings = load_settings()
    WecareFlowsStack(
        app,
        STACK_NAME,
        settings=settings,
        description="wecare-flows: the WhatsApp Business runbook as Step Functions workflows",
        env=Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=settings.region),
    )
    Tags.of(app).add("project", "wecare-flows")
    Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app


if __name__ == "__main__":
    build_app().synth()
