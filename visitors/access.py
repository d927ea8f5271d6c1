"""Who may open the staff pages of the visitors app: one helper per role, a 404 for everyone else."""

from django.http import Http404

from expo import roles


def has_role(user, role: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=role).exists()


def require_role(user, role: str) -> None:
    """A person without the role gets a 404, exactly like a page that does not exist."""
    if not has_role(user, role):
        raise Http404


def require_gate_staff(user) -> None:
    require_role(user, roles.GATE_STAFF)


def require_registration_desk(user) -> None:
    require_role(user, roles.REGISTRATION_DESK)
