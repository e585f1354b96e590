"""Errors of the kb-sync tasks; the class names are the ASL error names."""

from tasks.common.errors import TaskError


class KnowledgeBaseNotFound(TaskError):
    """The knowledge base or its data source does not exist in this account and Region."""


class IngestionJobConflict(TaskError):
    """Bedrock refused a new job, yet no running job could be joined (one is stopping)."""


class IngestionJobStillRunning(TaskError):
    """The job has not finished; the ASL retries the check on a growing backoff."""
