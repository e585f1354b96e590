"""Tasks of the template-submission workflow (runbook section 4):
``asl/template-submission.asl.json``."""
