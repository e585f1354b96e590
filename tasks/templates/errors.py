"""Errors of the template tasks; the class names are the ASL error names."""

from tasks.common.errors import InvalidInput, TaskError


class TemplateInvalid(InvalidInput):
    """The template breaks Meta's rules; the message lists every broken rule."""


class TemplateAlreadyExists(TaskError):
    """A different template with this name and language already exists in the WABA."""


class TemplateNotFound(TaskError):
    """End User Messaging Social does not know the template (deleted, or wrong id)."""


class TemplateApiRefused(TaskError):
    """End User Messaging Social or Meta refused the request; retrying cannot help."""


class TemplateRejected(TaskError):
    """Meta rejected the template; sent with SendTaskFailure, never raised by a handler."""


class TemplateNotApproved(TaskError):
    """Meta ended the review with a status other than APPROVED or REJECTED."""


class TemplateVerdictOverdue(TaskError):
    """Meta gave no verdict within the submission's whole polling schedule."""
