"""Errors of the messaging code; the class names are what callers and the ASL see."""

from tasks.common.errors import TaskError


class OutsideCustomerServiceWindow(TaskError):
    """A free-form message to a customer whose last message is older than 24 hours."""


class MessageRefused(TaskError):
    """End User Messaging Social (or Meta behind it) refused the message."""


class EventNotPublished(TaskError):
    """EventBridge did not accept a message event; retrying may help."""
