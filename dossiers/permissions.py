"""Who may make which move on a dossier. Services enforce it; pages use `allowed_actions`
to show exactly the buttons the officer may press."""

from mocua.accounts.models import Role
from mocua.errors import ForbiddenError

from . import legs
from .agencies import acting_agencies
from .workflow import ACTIONS, available

MANAGERS = {Role.HEAD, Role.LEADER}
COUNTER = {Role.RECEPTION} | MANAGERS


def _holds(user, dossier) -> bool:
    """The dossier's holder, or, in a parallel stage, the holder of the officer's agency's leg."""
    if dossier is not None and dossier.leg_stage:
        leg = legs.open_leg(dossier, user.agency_id)
        return leg is not None and leg.holder_id == user.pk
    return dossier.holder_id == user.pk


def _holder_or_manager(user, dossier) -> bool:
    return _holds(user, dossier) or user.role in MANAGERS


def _counter_or_holder(user, dossier) -> bool:
    return user.role in COUNTER or _holds(user, dossier)


RULES = {
    "receive": lambda user, dossier: user.role in COUNTER,
    "accept_online": lambda user, dossier: user.role in COUNTER,
    "reject_online": lambda user, dossier: user.role in COUNTER,
    "hand_over": _holder_or_manager,
    "request_supplement": _holder_or_manager,
    "receive_supplement": _counter_or_holder,
    "request_payment": _holder_or_manager,
    "receive_payment": _counter_or_holder,
    "approve": lambda user, dossier: user.role in MANAGERS,
    "attach_result": lambda user, dossier: user.role in MANAGERS,
    "hand_letter": _counter_or_holder,
    # Only a result returned by post has a delivery to confirm ("post": models.ReturnMethod.POST).
    "confirm_delivery": lambda user, dossier: user.role in COUNTER and dossier.return_method == "post",
    "refuse": lambda user, dossier: user.role in MANAGERS,
    "return": _counter_or_holder,
    "hand_refusal": _counter_or_holder,
    "withdraw": lambda user, dossier: user.role in COUNTER,
    # Mẫu 05 and Mẫu 04 are signed by the head of the agency.
    "stop": lambda user, dossier: user.role == Role.LEADER,
    "reschedule": lambda user, dossier: user.role == Role.LEADER,
    "attach": lambda user, dossier: bool(user.role),
    # Between agencies (dossiers.transfers): the counter sends and takes in; whose counter is
    # agencies.acting_agency's rule.
    "transfer": lambda user, dossier: user.role in COUNTER or _holds(user, dossier),
    "receive_transfer": lambda user, dossier: user.role in COUNTER,
}

DENIED = "Bạn không có quyền thực hiện thao tác này với hồ sơ."


def ensure_role(user, action: str) -> None:
    """For intake, before any dossier exists."""
    if not (getattr(user, "is_officer", False) and RULES[action](user, None)):
        raise ForbiddenError(DENIED)


def ensure_allowed(user, dossier, action: str) -> None:
    """The officer's agency is one that acts on the dossier now (agencies.acting_agencies: the
    competent agency, the desk that received it while the dossier is there, a liên thông leg's agency
    on its own leg), and their role may."""
    if not getattr(user, "is_officer", False) or user.agency_id not in acting_agencies(dossier, action):
        raise ForbiddenError(DENIED)
    if not RULES[action](user, dossier):
        raise ForbiddenError(DENIED)


def may(user, dossier, action: str) -> bool:
    try:
        ensure_allowed(user, dossier, action)
    except ForbiddenError:
        return False
    return True


def allowed_actions(user, dossier) -> list[str]:
    """The moves offered on the dossier's page: legal from its state, not used up (an action allowed
    once), and allowed to this user; in the order of the workflow table."""
    return [a for a, row in ACTIONS.items() if row.button and available(a, dossier) and may(user, dossier, a)]
