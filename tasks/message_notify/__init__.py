"""Tasks of the message-notify workflow (runbook section 2): ``asl/message-notify.asl.json``.

A message event reaches the Express state machine from the inbound or outbound notify
queue; the workflow claims the event's idempotency record, builds the runbook's e-mail,
sends it through SES and records it, so each event is e-mailed exactly once.
"""
