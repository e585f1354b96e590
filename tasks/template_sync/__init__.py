"""Tasks of the template-sync workflow (runbook section 4, ``eum_sync_templates``):
``asl/template-sync.asl.json``."""
