"""The knowledge base's web-crawler data source, from cdk.json."""

from __future__ import annotations

from dataclasses import replace

import pytest
from aws_cdk.assertions import Template

from infra.knowledge_base import KnowledgeBaseDataSource
from tests.infra import cfn
from tests.infra.conftest import Assembly, small_stack
from workflows.settings import load_settings

pytestmark = pytest.mark.infra

KNOWLEDGE_BASE = load_settings().knowledge_base


def test_web_crawler_data_source_as_the_runbook_configures_it(synthesized: Assembly) -> None:
    _, source = cfn.one(synthesized.template, "AWS::Bedrock::DataSource")
    properties = source["Properties"]
    assert properties["KnowledgeBaseId"] == KNOWLEDGE_BASE.knowledge_base_id
    configuration = properties["DataSourceConfiguration"]
    assert configuration["Type"] == "WEB"
    web = configuration["WebConfiguration"]
    assert web["SourceConfiguration"]["UrlConfiguration"]["SeedUrls"] == [
        {"Url": KNOWLEDGE_BASE.seed_url}
    ]
    assert web["CrawlerConfiguration"] == {
        "CrawlerLimits": {"RateLimit": KNOWLEDGE_BASE.rate_limit},
        "Scope": KNOWLEDGE_BASE.scope,
    }
    assert (KNOWLEDGE_BASE.seed_url, KNOWLEDGE_BASE.rate_limit, KNOWLEDGE_BASE.scope) == (
        "https://wecare.digital",
        10,
        "HOST_ONLY",
    )
    assert source["DeletionPolicy"] == "Retain"


def test_bedrock_rights_name_this_knowledge_base_only(synthesized: Assembly) -> None:
    bedrock = [
        statement
        for policy in synthesized.resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if any(a.startswith("bedrock:") for a in cfn.as_list(statement["Action"]))
    ]
    assert len(bedrock) == 2  # start-ingestion-job and check-ingestion-job
    for statement in bedrock:
        (resource,) = cfn.as_list(statement["Resource"])
        assert cfn.mentions(resource, f":knowledge-base/{KNOWLEDGE_BASE.knowledge_base_id}")


def test_no_data_source_without_a_knowledge_base_id() -> None:
    stack = small_stack()
    source = KnowledgeBaseDataSource(
        stack, "KnowledgeBase", knowledge_base=replace(KNOWLEDGE_BASE, knowledge_base_id="")
    )
    assert source.knowledge_base_arn is None
    assert source.data_source_id is None
    Template.from_stack(stack).resource_count_is("AWS::Bedrock::DataSource", 0)
