"""Tasks of the kb-sync workflow (runbook section 3): ``asl/kb-sync.asl.json``."""
