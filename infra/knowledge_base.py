"""The Bedrock knowledge base's web-crawler data source, as the runbook configures it.

The knowledge base itself (and its vector store) is made by hand and named in
``cdk.json`` (``wecare:knowledgeBase``); without a ``knowledgeBaseId`` nothing is made
and the kb-sync tasks get no Bedrock rights.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_bedrock as bedrock
from constructs import Construct

from workflows.settings import KnowledgeBase


class KnowledgeBaseDataSource(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, knowledge_base: KnowledgeBase
    ) -> None:
        super().__init__(scope, construct_id)
        self.knowledge_base_id = knowledge_base.knowledge_base_id
        self.knowledge_base_arn: str | None = None
        self.data_source: bedrock.CfnDataSource | None = None
        if not self.knowledge_base_id:
            return
        self.knowledge_base_arn = Stack.of(self).format_arn(
            service="bedrock", resource="knowledge-base", resource_name=self.knowledge_base_id
        )
        self.data_source = bedrock.CfnDataSource(
            self,
            "WebCrawler",
            knowledge_base_id=self.knowledge_base_id,
            name=f"{knowledge_base.name}-web",
            description=f"Web crawler of {knowledge_base.seed_url} (runbook section 3)",
            data_source_configuration=bedrock.CfnDataSource.DataSourceConfigurationProperty(
                type="WEB",
                web_configuration=bedrock.CfnDataSource.WebDataSourceConfigurationProperty(
                    source_configuration=bedrock.CfnDataSource.WebSourceConfigurationProperty(
                        url_configuration=bedrock.CfnDataSource.UrlConfigurationProperty(
                            seed_urls=[
                                bedrock.CfnDataSource.SeedUrlProperty(url=knowledge_base.seed_url)
                            ]
                        )
                    ),
                    crawler_configuration=bedrock.CfnDataSource.WebCrawlerConfigurationProperty(
                        crawler_limits=bedrock.CfnDataSource.WebCrawlerLimitsProperty(
                            rate_limit=knowledge_base.rate_limit
                        ),
                        scope=knowledge_base.scope,
                    ),
                ),
            ),
        )
        # Deleting the stack must not delete the crawled documents with it.
        self.data_source.apply_removal_policy(RemovalPolicy.RETAIN)

    @property
    def data_source_id(self) -> str | None:
        """The id the kb-sync tasks use (``DATA_SOURCE_ID``), once the data source exists."""
        return self.data_source.attr_data_source_id if self.data_source else None
