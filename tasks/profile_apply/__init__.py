"""Tasks of the profile-apply workflow (runbook section 1): ``asl/profile-apply.asl.json``.

A business-profile change is validated, stored as a new version (PENDING_APPLY), turned
into apply instructions, and e-mailed to the tenant's approvers as signed links; the
workflow then waits on a task token until enough approvers mark it applied, one rejects
it, a newer request supersedes it, or the deadline passes. ``approval_api`` serves the
approval page (locally and behind the HTTPS endpoint), ``decisions`` is the one code
path every decision takes (page, CLI, runbook action).
"""
