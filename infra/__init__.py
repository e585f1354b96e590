"""The CDK app of wecare-flows: the catalog's workflows and task handlers, on AWS.

Nothing here defines a workflow: the state machines come from ``asl/`` and the
functions from :mod:`workflows.catalog`; this package says how they are deployed.
"""
