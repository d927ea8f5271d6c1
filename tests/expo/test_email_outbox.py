import datetime

import pytest
from django.core import mail
from django.utils import timezone

from expo import services
from expo.celery import app
from expo.models import OutboundEmail
from expo.tasks import EMAIL_MAX_RETRIES
from tests.factories import TradeBodyFactory

pytestmark = pytest.mark.django_db


def _queue(**overrides):
    context = {
        "organisation": TradeBodyFactory(name="Lahore Chamber"),
        "accept_url": "http://x/",
        "expires_at": timezone.now(),
    }
    return services.email_queue(to="naila@example.pk", template="invitation", context=context, **overrides)


def test_queued_email_is_sent_only_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        email = _queue()
        assert mail.outbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 1)
    assert email.sent_at is not None
    assert mail.outbox[0].subject == email.subject
    assert "Lahore Chamber" in mail.outbox[0].alternatives[0][0]


def test_email_is_rendered_in_the_language_asked_for(django_capture_on_commit_callbacks):
    email = _queue(language="ur")

    assert "Lahore Chamber" in email.subject
    assert email.subject != _queue(language="en").subject


def test_delivering_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()

    services.email_deliver(email_id=email.pk, final_attempt=False)

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_a_failing_send_is_recorded_and_retried_then_marked_failed(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1

    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == EMAIL_MAX_RETRIES + 1
    assert "ConnectionRefusedError" in email.last_error
    assert mail.outbox == []


def test_staff_can_queue_failed_emails_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        failed = _queue()
    OutboundEmail.objects.filter(pk=failed.pk).update(status=OutboundEmail.Status.FAILED)
    sent = _queue()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        count = services.emails_retry_failed(ids=[failed.pk, sent.pk])

    assert count == 1
    assert [message.to for message in mail.outbox] == [["naila@example.pk"]]
    failed.refresh_from_db()
    assert failed.status == OutboundEmail.Status.SENT


def test_with_the_broker_down_the_email_stays_queued_and_the_sweep_sends_it(django_capture_on_commit_callbacks):
    original = app.conf.broker_url
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            email = _queue()
    finally:
        app.conf.update(broker_url=original, task_always_eager=True)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    assert mail.outbox == []

    OutboundEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=6))
    requeued = services.emails_requeue_stale()

    assert requeued == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_fresh_and_sent_emails_alone(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = _queue()
    OutboundEmail.objects.filter(pk=sent.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    _queue()  # queued a moment ago: its task may still be on its way

    assert services.emails_requeue_stale() == 0


MADE = []  # what the test maker below was asked for


def note(ref: str) -> services.Attachment:
    """An attachment maker for the tests."""
    MADE.append(ref)
    return services.Attachment(f"note {ref}".encode(), f"note-{ref}.txt", "text/plain")


def broken(ref: str) -> services.Attachment:
    raise OSError("disk full")


@pytest.fixture
def makers(settings):
    MADE.clear()
    settings.EXPO_ATTACHMENT_MAKERS = {"tests.note": f"{__name__}.note", "tests.broken": f"{__name__}.broken"}


def test_an_attachment_is_made_when_the_email_goes_out(makers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        email = _queue(attachment=("tests.note", 7))
    assert (email.attachment, MADE) == ("tests.note:7", [])

    callbacks[0]()

    email.refresh_from_db()
    assert (MADE, email.status, email.attachment_name) == (["7"], OutboundEmail.Status.SENT, "note-7.txt")
    assert mail.outbox[0].attachments == [("note-7.txt", "note 7", "text/plain")]


def test_an_attachment_maker_that_fails_leaves_the_email_to_be_retried(makers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        email = _queue(attachment=("tests.broken", 1))

    with pytest.raises(OSError, match="disk full"):
        services.email_deliver(email_id=email.pk, final_attempt=False)

    email.refresh_from_db()
    assert (email.status, email.last_error) == (OutboundEmail.Status.QUEUED, "OSError: disk full")
    assert mail.outbox == []


def test_an_email_can_name_only_a_known_attachment_maker(makers):
    with pytest.raises(ValueError, match="No attachment maker"):
        _queue(attachment=("nobody.knows", 1))

    assert OutboundEmail.objects.count() == 0
