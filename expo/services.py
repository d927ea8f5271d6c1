"""Writes of the core app: the email outbox and trade body invitations."""

import base64
import datetime
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from allauth.account.models import EmailAddress
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from .models import Invitation, OutboundEmail, User

logger = logging.getLogger(__name__)


class ExpoError(Exception):
    """A domain error whose message can be shown to the user as it is."""


# --- Email outbox -------------------------------------------------------------


def _enqueue_email(email_id: int) -> None:
    from .tasks import send_email

    try:
        send_email.delay(email_id)
    except BrokerUnavailable:
        # The row stays queued; `emails_requeue_stale` sends it once the broker is back.
        logger.warning("Broker unavailable; email %s left queued for the sweep.", email_id)


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email."""

    content: bytes
    filename: str
    mimetype: str


def _attachment_maker(name: str) -> Callable[[str], Attachment | None]:
    """Attachments are made when an email is sent, not when it is queued: a badge PDF is drawn by the worker
    rather than in the visitor's request, and the email carries the badge as it is when it goes out. An email
    names a maker of ``EXPO_ATTACHMENT_MAKERS`` and the id to give it; a maker returns None when there is
    nothing to attach any more. Imported only when used, so that no process pays for it at start-up."""
    return import_string(settings.EXPO_ATTACHMENT_MAKERS[name])


def _secrets_cipher() -> Fernet:
    """The key that seals an email's secret links, derived from ``SECRET_KEY`` (read from the environment)."""
    digest = hashlib.sha256(b"expo.outbox.secrets:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_marker(name: str) -> str:
    """What stands in a stored email for the secret ``name`` (a sign-in, invitation or manage link): readable by
    staff, plain ASCII that HTML escaping leaves alone, and unguessable so that no other text can be taken for it."""
    return f"[hidden {name} {secrets.token_hex(6)}]"


def _unseal(email: OutboundEmail, text: str, *, html: bool) -> str:
    values = json.loads(_secrets_cipher().decrypt(email.sealed_secrets.encode()))
    for marker, value in values.items():
        text = text.replace(marker, escape(value) if html else value)
    return text


def email_queue(
    *,
    to: str,
    template: str,
    context: dict,
    secret_context: dict[str, str] | None = None,
    language: str | None = None,
    attachment: tuple[str, int] | None = None,
) -> OutboundEmail:
    """Render ``emails/<template>`` now and send it from a task after the transaction commits.

    The message is rendered at once so that what is logged is exactly what is sent, in the language the
    recipient used. ``secret_context`` holds what must never be stored readable (links that sign in, accept an
    invitation or manage a registration): the templates see it like ``context``, the stored email shows a marker
    instead, and the value is put in only when the email goes out. ``attachment`` names a maker of
    ``EXPO_ATTACHMENT_MAKERS`` and the id to give it.
    """
    secret_context = secret_context or {}
    # An empty value hides nothing, and stays empty so that the template can leave out what it would introduce.
    markers = {name: secret_marker(name) if value else value for name, value in secret_context.items()}
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        rendered = {**context, **markers}
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", rendered).split())
        body_text = render_to_string(f"emails/{template}.txt", rendered)
        body_html = render_to_string(f"emails/{template}.html", rendered)
    return email_queue_rendered(
        to=to,
        template=template,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachment=attachment,
        secret_values={markers[name]: str(value) for name, value in secret_context.items() if value},
    )


def email_queue_rendered(
    *,
    to: str,
    template: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachment: tuple[str, int] | None = None,
    secret_values: dict[str, str] | None = None,
) -> OutboundEmail:
    """Log an already rendered email and send it from a task after the transaction commits.

    ``secret_values`` maps each marker (``secret_marker``) the bodies carry to the secret it stands for; they are
    stored encrypted and erased once the email is sent.
    """
    if attachment is not None and attachment[0] not in settings.EXPO_ATTACHMENT_MAKERS:
        raise ValueError(f"No attachment maker is named {attachment[0]!r} in EXPO_ATTACHMENT_MAKERS.")
    sealed = _secrets_cipher().encrypt(json.dumps(secret_values).encode()).decode() if secret_values else ""
    email = OutboundEmail.objects.create(
        to=to,
        template=template,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachment=f"{attachment[0]}:{attachment[1]}" if attachment else "",
        sealed_secrets=sealed,
    )
    transaction.on_commit(partial(_enqueue_email, email.pk))
    return email


def email_deliver(*, email_id: int, final_attempt: bool) -> None:
    """Send one queued email. Safe to call twice: a sent email is not sent again.

    On failure the error is recorded and re-raised so that the task retries;
    after the final attempt the email is marked failed for staff to see.
    """
    failure = None
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().get(pk=email_id)
        if email.status == OutboundEmail.Status.SENT:
            return
        email.attempts += 1
        try:
            body_text, body_html = email.body_text, email.body_html
            if email.sealed_secrets:
                body_text, body_html = _unseal(email, body_text, html=False), _unseal(email, body_html, html=True)
            message = EmailMultiAlternatives(
                subject=email.subject, body=body_text, from_email=settings.DEFAULT_FROM_EMAIL, to=[email.to]
            )
            if body_html:
                message.attach_alternative(body_html, "text/html")
            if email.attachment:
                maker, _, ref = email.attachment.partition(":")
                made = _attachment_maker(maker)(ref)
                if made is not None:
                    message.attach(made.filename, made.content, made.mimetype)
                    email.attachment_name = made.filename
            message.send()
        except InvalidToken:
            # Sealed under another SECRET_KEY: the links cannot be recovered, and retrying will not change that.
            email.last_error = "The hidden links cannot be read: SECRET_KEY changed since the email was queued."
            email.status = OutboundEmail.Status.FAILED
        except Exception as exc:  # noqa: BLE001 - any transport error is recorded, then retried
            failure = exc
            email.last_error = f"{type(exc).__name__}: {exc}"
            email.status = OutboundEmail.Status.FAILED if final_attempt else OutboundEmail.Status.QUEUED
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            # Once sent, the links live only in the recipient's mailbox.
            email.sealed_secrets = ""
        email.save(update_fields=["attempts", "last_error", "status", "sent_at", "attachment_name", "sealed_secrets"])
    if failure is not None:
        raise failure


def emails_requeue_stale(*, older_than: datetime.timedelta = datetime.timedelta(minutes=5)) -> int:
    """Enqueue again every email still queued after ``older_than``: lost to a broker outage or a killed worker."""
    cutoff = timezone.now() - older_than
    ids = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for email_id in ids:
        _enqueue_email(email_id)
    return len(ids)


def emails_retry_failed(*, ids: list[int]) -> int:
    """Queue failed emails among ``ids`` again, for staff after fixing the mail server."""
    with transaction.atomic():
        failed = list(
            OutboundEmail.objects.select_for_update()
            .filter(pk__in=ids, status=OutboundEmail.Status.FAILED)
            .values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=failed).update(status=OutboundEmail.Status.QUEUED)
        for email_id in failed:
            transaction.on_commit(partial(_enqueue_email, email_id))
    return len(failed)


# --- Accounts -----------------------------------------------------------------


def user_email_verify(*, user: User) -> None:
    """Mark ``user``'s address verified and primary: for accounts staff create, whose address staff vouch for."""
    with transaction.atomic():
        EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
        EmailAddress.objects.update_or_create(
            user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
        )


# --- Invitations --------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.filter(token_hash=_token_hash(token)).first()


def invitation_create(*, organisation, email: str, invited_by: User, site_url: str) -> Invitation:
    """Invite ``email`` to join ``organisation`` (a trade body or an exhibitor) by a one-time link that expires.

    Earlier unused invitations of the same person to the same organisation stop working.
    """
    email = User.objects.normalize_email(email).lower()
    if organisation.members.filter(email__iexact=email).exists():
        raise ExpoError(_("%(email)s is already a member of %(name)s.") % {"email": email, "name": organisation})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    organisation_type = ContentType.objects.get_for_model(organisation)
    with transaction.atomic():
        Invitation.objects.filter(
            organisation_type=organisation_type,
            organisation_id=organisation.pk,
            email__iexact=email,
            accepted_at__isnull=True,
            expires_at__gt=now,
        ).update(expires_at=now)
        invitation = Invitation.objects.create(
            email=email,
            organisation_type=organisation_type,
            organisation_id=organisation.pk,
            token_hash=_token_hash(token),
            invited_by=invited_by,
            created_at=now,
            expires_at=now + datetime.timedelta(days=settings.EXPO_INVITATION_DAYS),
        )
        email_queue(
            to=email,
            template="invitation",
            context={
                "organisation": organisation,
                "kind": organisation_type.model,
                "expires_at": invitation.expires_at,
            },
            secret_context={"accept_url": site_url.rstrip("/") + reverse("invitation_accept", args=[token])},
        )
    return invitation


def _invitation_claim(invitation: Invitation) -> Invitation:
    """Lock the invitation and check it can still be used; raise a readable error if not."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ExpoError(_("This invitation has already been used."))
    if locked.is_expired:
        raise ExpoError(_("This invitation has expired."))
    return locked


def invitation_accept(*, invitation: Invitation, password: str, full_name: str) -> User:
    """Create the invitee's account with a verified email and make them a member of the organisation."""
    with transaction.atomic():
        invitation = _invitation_claim(invitation)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ExpoError(_("An account with this email address already exists. Sign in, then open the link again."))
        user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        _invitation_complete(invitation, user)
    return user


def invitation_accept_as(*, invitation: Invitation, user: User) -> None:
    """Let a signed-in user whose email the invitation names join the organisation."""
    with transaction.atomic():
        invitation = _invitation_claim(invitation)
        if user.email.lower() != invitation.email.lower():
            raise ExpoError(_("This invitation was sent to another email address."))
        _invitation_complete(invitation, user)


def _invitation_complete(invitation: Invitation, user: User) -> None:
    invitation.organisation.members.add(user)
    # An organisation whose members need a role to use it (a juror) names the group they join.
    group = getattr(invitation.organisation, "member_group", None)
    if group:
        user.groups.add(Group.objects.get(name=group))
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
