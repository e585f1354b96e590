"""Errors of the message-notify tasks; the class names are the ASL error names."""

from tasks.common.errors import TaskError


class NotificationInProgress(TaskError):
    """Another execution holds this event's claim; retried, then redelivered by the queue."""


class InvalidNotificationEvent(TaskError):
    """The delivery is not a message event this workflow understands; retrying cannot help."""


class NotificationClaimLost(TaskError):
    """This execution's claim ran out before it could send; the holder sends instead."""
