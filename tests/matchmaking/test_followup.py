"""Follow-up emails after the expo: +7, +30, +90 and +180 days, each side of every open lead once, answered in one
click, however often and wherever beat runs."""

import datetime
import json
import os
import signal
import threading
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from expo.models import OutboundEmail
from matchmaking import followup, tasks
from matchmaking.models import FollowUpEmail, FollowUpOptOut, FollowUpStep, Lead, LeadEvent
from matchmaking.sequence_defaults import follow_up_steps_seed
from tests.factories import ExhibitorFactory, ExhibitorMembershipFactory, ExpoFactory
from tests.realstack import require, start_worker

pytestmark = pytest.mark.django_db
KARACHI = ZoneInfo("Asia/Karachi")


def after_expo(days: int, hour: int = 10) -> datetime.datetime:
    """A moment ``days`` after the last day of the ``expo`` fixture (26 January 2042), in Lahore."""
    return datetime.datetime(2042, 1, 26, hour, tzinfo=KARACHI) + datetime.timedelta(days=days)


def send_at(moment: datetime.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return tasks.send_follow_ups()


def followup_emails():
    return OutboundEmail.objects.filter(template="followup").order_by("pk")


@pytest.fixture
def steps(expo):
    follow_up_steps_seed(expo)
    return {step.days_after: step for step in FollowUpStep.objects.filter(expo=expo)}


@pytest.fixture
def lead(expo, exhibitor, member, buyer_registration, steps):
    return Lead.objects.create(
        expo=expo,
        exhibitor=exhibitor,
        registration=buyer_registration,
        source=Lead.Source.STALL_SCAN,
        interest_product="Forceps",
        created_at=after_expo(-1),
    )


def test_an_expo_made_after_the_sequence_existed_gets_the_default_steps_at_its_first_run(
    expo, exhibitor, member, buyer_registration
):
    FollowUpStep.objects.filter(expo=expo).delete()
    Lead.objects.create(expo=expo, exhibitor=exhibitor, registration=buyer_registration, created_at=after_expo(-1))

    assert send_at(after_expo(7)) == 2
    assert sorted(FollowUpStep.objects.filter(expo=expo).values_list("days_after", flat=True)) == [7, 30, 90, 180]


def forge(payload: dict) -> str:
    """A link's payload written by hand, as someone altering a link would."""
    return signing.b64_encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def answer_url(lead, side: str, answer: str, step) -> str:
    return reverse("followup_answer", args=[followup.answer_token(followup.Answer(lead.pk, side, answer, step.pk))])


def test_each_side_gets_each_step_once_at_seven_thirty_ninety_and_180_days(lead, steps, member, buyer_registration):
    assert send_at(after_expo(7, hour=8)) == 0  # the day has come, nine o'clock has not
    assert send_at(after_expo(7)) == 2
    assert send_at(after_expo(7, hour=11)) == 0
    assert send_at(after_expo(29)) == 0
    assert send_at(after_expo(30)) == 2
    assert send_at(after_expo(30)) == 0
    assert send_at(after_expo(90)) == 2
    assert send_at(after_expo(180)) == 2
    assert send_at(after_expo(400)) == 0

    emails = list(followup_emails())
    assert [email.to for email in emails] == [member.email, buyer_registration.email] * 4
    assert emails[0].subject == "One week after the expo: how is your contact going? · Nairobi Med Supplies"
    assert emails[1].subject == "One week after the expo: how is your contact going? · Hilal Surgical"
    assert emails[-1].subject.startswith("Six months after the expo: the last question")
    assert "Forceps" in emails[0].body_text
    # The one-click links answer without signing in: they are stored sealed, put in only when the email leaves.
    assert "/followup/answer/" not in emails[0].body_text
    assert emails[0].sealed_secrets
    claims = FollowUpEmail.objects.order_by("step__days_after", "side")
    assert [(c.step.days_after, c.side) for c in claims] == [
        (days, side) for days in (7, 30, 90, 180) for side in ("exhibitor", "visitor")
    ]
    assert all(claim.email_id for claim in claims)


def test_a_run_that_comes_late_sends_the_step_now_due_and_not_the_ones_missed(lead, steps):
    assert send_at(after_expo(95)) == 2
    assert set(FollowUpEmail.objects.values_list("step__days_after", flat=True)) == {90}


def test_the_texts_and_days_are_the_expos_data_in_english_and_urdu(lead, steps, buyer_registration):
    buyer_registration.language = "ur"
    buyer_registration.save(update_fields=["language"])
    FollowUpStep.objects.filter(pk=steps[7].pk).update(days_after=10, subject_ur="دس دن بعد", body_ur="اردو متن")
    FollowUpStep.objects.filter(pk=steps[30].pk).update(active=False)

    assert send_at(after_expo(7)) == 0
    assert send_at(after_expo(10)) == 2
    assert send_at(after_expo(30)) == 0

    to_buyer = followup_emails().get(to=buyer_registration.email)
    assert to_buyer.subject == "دس دن بعد · Hilal Surgical"
    assert "اردو متن" in to_buyer.body_text


def test_the_visitor_is_greeted_by_name_and_by_organisation_only_without_one(lead, steps, buyer_registration):
    send_at(after_expo(7))
    type(buyer_registration).objects.filter(pk=buyer_registration.pk).update(full_name="")
    send_at(after_expo(30))

    by_name, by_organisation = followup_emails().filter(to=buyer_registration.email)
    assert "Dear Wanjiru Kamau," in by_name.body_text
    assert "Dear Wanjiru Kamau," in by_name.body_html
    assert "Dear Nairobi Med Supplies," in by_organisation.body_text


def test_a_closed_lead_gets_no_more(lead, steps):
    send_at(after_expo(7))
    Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.LOST, closed_at=timezone.now())

    assert send_at(after_expo(30)) == 0
    assert send_at(after_expo(180)) == 0
    assert followup_emails().count() == 2


def test_a_one_click_answer_updates_the_lead_once(client, lead, steps):
    send_at(after_expo(7))
    url = answer_url(lead, "visitor", "order", steps[7])

    with time_machine.travel(after_expo(8), tick=False):
        shown = client.get(url)
        assert shown.status_code == 200
        assert "Order placed" in shown.content.decode()
        lead.refresh_from_db()
        assert lead.status == "new"  # opening the link (a mail scanner does) records nothing
        answered = client.post(url, {"value_amount": "15000", "value_currency": "USD"})
        again = client.post(url, {"value_amount": "99", "value_currency": "PKR"})
        other_answer = client.post(answer_url(lead, "visitor", "no_deal", steps[7]), {"value_currency": "PKR"})

    assert answered.status_code == 302
    # Used again, this link or another of the same email shows the answer recorded and changes nothing.
    assert again.status_code == other_answer.status_code == 200
    assert "Your answer is recorded" in other_answer.content.decode()
    lead.refresh_from_db()
    assert (lead.status, lead.value_amount, lead.value_currency) == ("won_order", Decimal("15000.00"), "USD")
    assert lead.closed_at is not None
    event = LeadEvent.objects.get()
    assert (event.kind, event.side, event.status_from, event.status_to, event.note) == (
        "answer",
        "visitor",
        "new",
        "won_order",
        "Order placed",
    )
    page = client.get(url).content.decode()
    assert "Your answer is recorded" in page
    assert "USD 15,000 ·" in page
    assert send_at(after_expo(30)) == 0  # won: no more follow-ups


def test_each_email_has_its_own_answer_and_still_talking_keeps_the_lead_open(client, lead, steps):
    send_at(after_expo(7))
    with time_machine.travel(after_expo(8), tick=False):
        client.post(answer_url(lead, "exhibitor", "talks", steps[7]), {"value_currency": "PKR"})
        client.post(answer_url(lead, "visitor", "value", steps[7]), {"value_amount": "", "value_currency": "PKR"})
    send_at(after_expo(30))
    with time_machine.travel(after_expo(31), tick=False):
        refused = client.post(answer_url(lead, "exhibitor", "value", steps[30]), {"value_amount": "-1"})
        client.post(
            answer_url(lead, "exhibitor", "value", steps[30]), {"value_amount": "800000", "value_currency": "PKR"}
        )

    assert "value_amount" in refused.context["form"].errors
    lead.refresh_from_db()
    assert (lead.status, lead.value_amount) == ("talks", Decimal("800000.00"))
    assert list(lead.events.values_list("side", "note")) == [
        ("exhibitor", "Still talking"),
        ("exhibitor", "Estimated value given"),
    ]
    assert send_at(after_expo(90)) == 2


@pytest.mark.parametrize("tamper", ["lead", "answer", "signature", "garbage"])
def test_a_tampered_link_is_refused_and_changes_nothing(client, lead, steps, expo, tamper):
    send_at(after_expo(7))
    other = Lead.objects.create(expo=expo, exhibitor=ExhibitorFactory(nomination__expo=expo), source=Lead.Source.STAFF)
    token = followup.answer_token(followup.Answer(lead.pk, "visitor", "talks", steps[7].pk))
    signed = token.split(":", 1)[1]  # the timestamp and the signature of the genuine link
    forged = {
        "lead": forge({"l": other.pk, "s": "visitor", "a": "talks", "p": steps[7].pk}) + ":" + signed,
        "answer": forge({"l": lead.pk, "s": "visitor", "a": "order", "p": steps[7].pk}) + ":" + signed,
        "signature": token[:-3] + ("abc" if not token.endswith("abc") else "xyz"),
        "garbage": "not-a-link",
    }[tamper]

    response = client.post(reverse("followup_answer", args=[forged]), {"value_currency": "PKR"})

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert not LeadEvent.objects.exists()
    assert set(Lead.objects.values_list("status", flat=True)) == {"new"}


def test_a_link_to_an_email_never_sent_is_refused(client, lead, steps):
    response = client.get(answer_url(lead, "visitor", "order", steps[7]))

    assert response.status_code == 400
    assert "no longer exists" in response.content.decode()


def test_unsubscribe_stops_the_emails_and_keeps_only_a_digest(client, lead, steps, member, buyer_registration):
    send_at(after_expo(7))
    token = followup.unsubscribe_token(expo_id=lead.expo_id, address=buyer_registration.email)
    url = reverse("followup_unsubscribe", args=[token])

    assert client.get(url).status_code == 200
    assert not FollowUpOptOut.objects.exists()  # opening the link only asks
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert "no more follow-up emails" in client.get(url).content.decode()

    digests = list(FollowUpOptOut.objects.values_list("email_digest", flat=True))
    assert digests == [followup.email_digest(" " + buyer_registration.email.upper())]
    assert buyer_registration.email not in digests[0]
    assert send_at(after_expo(30)) == 1
    assert followup_emails().last().to == member.email
    assert client.get(reverse("followup_unsubscribe", args=[token[:-2] + "xx"])).status_code == 400


def test_a_run_that_dies_midway_sends_the_rest_once_on_the_next_run(expo, exhibitor, member, steps, monkeypatch):
    leads = Lead.objects.bulk_create(
        Lead(expo=expo, exhibitor=exhibitor, source=Lead.Source.STAFF, created_at=after_expo(-1)) for _ in range(5)
    )
    monkeypatch.setattr(followup, "CHUNK", 2)
    real_queue = followup._queue
    calls = []

    def dies_on_the_third(**kwargs):
        calls.append(kwargs["lead"].pk)
        if len(calls) == 3:
            raise SystemExit("the worker was killed")
        return real_queue(**kwargs)

    monkeypatch.setattr(followup, "_queue", dies_on_the_third)
    with pytest.raises(SystemExit):
        send_at(after_expo(7))
    # The first chunk committed whole; the one the worker died in left nothing behind.
    assert set(FollowUpEmail.objects.values_list("lead_id", flat=True)) == {leads[0].pk, leads[1].pk}
    assert followup_emails().count() == 2

    monkeypatch.setattr(followup, "_queue", real_queue)
    assert send_at(after_expo(7, hour=11)) == 3
    assert send_at(after_expo(7, hour=12)) == 0
    assert sorted(FollowUpEmail.objects.filter(side="exhibitor").values_list("lead_id", flat=True)) == sorted(
        lead.pk for lead in leads
    )
    assert followup_emails().count() == 5


@pytest.mark.django_db(transaction=True)
def test_four_workers_at_once_send_each_email_once(postgres_only, monkeypatch):
    expo = ExpoFactory(year=2042)
    follow_up_steps_seed(expo)
    exhibitors = ExhibitorFactory.create_batch(3, nomination__expo=expo)
    for exhibitor in exhibitors:
        ExhibitorMembershipFactory(exhibitor=exhibitor)
    Lead.objects.bulk_create(
        Lead(expo=expo, exhibitor=exhibitors[n % 3], source=Lead.Source.STAFF, created_at=after_expo(-1))
        for n in range(60)
    )
    monkeypatch.setattr(followup, "CHUNK", 7)
    barrier = threading.Barrier(4)
    sent: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            sent.append(tasks.send_follow_ups())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    with time_machine.travel(after_expo(7), tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert len(sent) == 4
    assert sum(sent) == 60
    assert followup_emails().count() == 60
    assert FollowUpEmail.objects.count() == 120
    assert send_at(after_expo(7, hour=11)) == 0


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_killed_mid_run_leaves_each_email_sent_once(postgres_only, tmp_path):
    """The beat task on a real Celery worker over 1,200 leads; the worker is killed once the first chunk is in,
    a second worker runs the task again (beat's next run), and every lead's exhibitor is emailed exactly once."""
    require(bool(os.environ.get("REDIS_URL")), "Redis (redis-server)")
    from expo.celery import app

    today = timezone.localdate()
    expo = ExpoFactory(
        year=2043, start_date=today - datetime.timedelta(days=10), end_date=today - datetime.timedelta(days=8)
    )
    follow_up_steps_seed(expo)
    exhibitor = ExhibitorFactory(nomination__expo=expo)
    member = ExhibitorMembershipFactory(exhibitor=exhibitor).user
    made = timezone.now() - datetime.timedelta(days=9)
    leads = Lead.objects.bulk_create(
        Lead(expo=expo, exhibitor=exhibitor, source=Lead.Source.STAFF, created_at=made) for _ in range(1200)
    )
    app.control.purge()
    app.conf.task_always_eager = False
    workers = []
    try:
        workers.append(start_worker(tmp_path / "first.log", hostname=f"followup-first-{os.getpid()}"))
        tasks.send_follow_ups.delay()
        deadline = time.monotonic() + 120
        while not FollowUpEmail.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        workers[0].kill()
        workers[0].wait()
        claimed_when_killed = FollowUpEmail.objects.filter(side="exhibitor").count()

        workers.append(start_worker(tmp_path / "second.log", hostname=f"followup-second-{os.getpid()}"))
        tasks.send_follow_ups.delay()
        deadline = time.monotonic() + 240
        while FollowUpEmail.objects.filter(side="exhibitor").count() < len(leads) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)

    assert claimed_when_killed > 0
    assert FollowUpEmail.objects.filter(side="exhibitor").count() == len(leads)
    assert FollowUpEmail.objects.filter(side="exhibitor", email__isnull=True).count() == 0
    assert followup_emails().filter(to=member.email).count() == len(leads)
