"""Errors of the profile-apply tasks and of the approval page; class names are ASL error names.

The first group ends an execution (``Catch``/``Fail`` names in the ASL). The second
group refuses a decision: the approval page shows one page per class, the action
Lambda answers ``{"ok": false, "error": <class name>}``, and nothing is changed.
"""

from tasks.common.errors import TaskError

# -- outcomes of the workflow ----------------------------------------------------------------


class InvalidProfile(TaskError):
    """A requested field breaks WhatsApp's business-profile limits; nothing was stored."""


class ProfileChangeRejected(TaskError):
    """An approver rejected the change (sent with ``SendTaskFailure``)."""


class ProfileChangeSuperseded(TaskError):
    """A newer request for the same phone number replaced this one while it waited."""


class ApprovalExpired(TaskError):
    """No decision came before the deadline; the request ended EXPIRED."""


class NoProfileRequest(TaskError):
    """The tenant and phone number have no stored business-profile request."""


# -- refused decisions (each has its own page) -----------------------------------------------


class DecisionRefused(TaskError):
    """Base of the reasons a decision is refused; nothing changes."""

    title = "This link cannot be used"
    status_code = 400


class LinkTampered(DecisionRefused):
    title = "This link is not valid"
    status_code = 400


class LinkExpired(DecisionRefused):
    title = "This link has expired"
    status_code = 410


class ApprovalNotFound(DecisionRefused):
    title = "No such approval"
    status_code = 404


class ApprovalAlreadyUsed(DecisionRefused):
    title = "This link was already used"
    status_code = 409


class ApprovalSuperseded(DecisionRefused):
    title = "A newer change replaced this one"
    status_code = 410


class ApprovalClosed(DecisionRefused):
    title = "This change was already decided"
    status_code = 409


class ApprovalLate(DecisionRefused):
    title = "This change is no longer waiting for a decision"
    status_code = 410


class NotTheApprover(DecisionRefused):
    title = "This approval belongs to someone else"
    status_code = 403


class FormForged(DecisionRefused):
    title = "This form was not sent from the approval page"
    status_code = 403


class ReasonRequired(DecisionRefused):
    title = "A rejection needs a reason"
    status_code = 400


class RequestNotWaiting(TaskError):
    """The request left PENDING_APPLY in a way the waiting step cannot explain."""
