"""WhatsApp messages of a tenant: inbound storage, conversations and the 24-hour window,
message events for the notifier, sending (``send_text``), and the welcome reply with the
main menu (runbook sections 2, 5 and 10)."""
