"""Task Lambdas: one small handler per workflow step, grouped by workflow.

No module here imports the local runtime, the CLI or the CDK app; a handler sees
only its event, its context, its environment and the AWS APIs.
"""
