"""Who may read a lead, and what of the visitor they may read: the one door to leads for exhibitors' pages.

A lead belongs to one exhibitor; only that exhibitor's members reach it, through ``leads_for`` and ``lead_for``,
which filter by the exhibitor the user is a member of and answer 404 to anyone else (another exhibitor, a
visitor, staff without membership), exactly like a page that does not exist. ``contact_of`` is what the exhibitor
may see of the person: the name and organisation always, the email and phone only when the visitor agreed at
registration to share them with exhibitors (``Registration.share_contact_with_exhibitors``).
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from exhibitors import selectors as exhibitor_selectors
from exhibitors.models import Exhibitor
from expo.models import User

from .models import Lead

# What every lead list and page needs, in the same query: the person or the counterpart, the meeting's slot.
LEAD_RELATED = ("registration", "counterpart__registration", "counterpart__exhibitor", "meeting__slot", "captured_by")


@dataclass(frozen=True)
class Contact:
    """The person behind a lead as the exhibitor may see them."""

    name: str
    organisation: str
    email: str = ""
    phone: str = ""
    shared: bool = False


def exhibitor_for(user: User, exhibitor_pk: int) -> Exhibitor:
    """The exhibitor ``exhibitor_pk`` if ``user`` is one of its members; 404 otherwise."""
    return exhibitor_selectors.exhibitor_for_user(user, exhibitor_pk)


def leads_for(user: User, exhibitor_pk: int) -> tuple[Exhibitor, QuerySet[Lead]]:
    """The exhibitor and its leads, newest first, for one of its members; 404 for anyone else."""
    exhibitor = exhibitor_for(user, exhibitor_pk)
    leads = Lead.objects.filter(exhibitor=exhibitor).select_related(*LEAD_RELATED).order_by("-created_at", "-pk")
    return exhibitor, leads


def lead_for(user: User, *, exhibitor_pk: int, pk: int) -> Lead:
    """The lead ``pk`` of the exhibitor ``exhibitor_pk``, for one of its members; 404 otherwise (a lead of
    another exhibitor looks like a lead that does not exist)."""
    _exhibitor, leads = leads_for(user, exhibitor_pk)
    lead = leads.filter(pk=pk).first()
    if lead is None:
        raise Http404
    return lead


def contact_of(lead: Lead) -> Contact:
    """The person behind ``lead`` as its exhibitor may see them: email and phone only with the visitor's consent.

    A meeting's counterpart that is another exhibitor is a business listed in the directory: its name only.
    """
    registration = lead.registration
    if registration is None and lead.counterpart_id is not None:
        registration = lead.counterpart.registration
    if registration is None:
        organisation = str(lead.counterpart) if lead.counterpart_id else ""
        return Contact(name=organisation, organisation=organisation)
    if not registration.share_contact_with_exhibitors:
        return Contact(name=registration.full_name, organisation=registration.organisation)
    return Contact(
        name=registration.full_name,
        organisation=registration.organisation,
        email=registration.email,
        phone=registration.phone,
        shared=True,
    )
