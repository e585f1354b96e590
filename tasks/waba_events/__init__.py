"""The WABA event destination: what End User Messaging Social publishes to SNS.

Each SNS message is ``{"context": ..., "whatsAppWebhookEntry": "<JSON string of one Meta
entry>", "aws_account_id", "message_timestamp", "messageId"}``; the entry's
``changes[].field`` says what happened (``messages``, ``message_template_status_update``).
"""
