"""The runbook's action Lambda (``base-wecare-digital-whatsapp``): ``{"action": ...}`` payloads.

Each family of actions lives in its own module and registers its functions in
:data:`tasks.actions.registry.ACTIONS`; the multi-step ones start or resume a workflow
and return its execution ARN.
"""
