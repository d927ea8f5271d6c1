"""The public pages with the demo expo, in English and in Urdu: an axe-core audit in the browser (WCAG 2.2 A and AA)
and the Nu HTML checker on the HTML the server sends; and the pages of each signed-in role (trade body, exhibitor,
gate, registration desk, juror) through the same audit. Both tools come from node_modules (`npm ci`)."""

import datetime
import json
import shutil
import subprocess
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.utils import timezone

from awards.models import Certificate, Result, Round
from exhibitors.models import Exhibitor, ExhibitorMembership
from expo import roles
from expo.models import Expo, TradeBody
from matchmaking.models import Meeting, MeetingRequest, Participant, SchedulerRun
from pavilions.models import Hall
from programme.models import Room, Session
from tests.awards.jury import assign, juror_with_account
from tests.conftest import add_to_role, demo_load
from tests.factories import MembershipFactory, UserFactory, register_visitor
from tests.realstack import require
from visitors import links

AXE = settings.BASE_DIR / "node_modules/axe-core/axe.min.js"
VNU = settings.BASE_DIR / "node_modules/vnu-jar/build/dist/vnu.jar"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ["en", "ur"]
# A verification link no certificate has: the page that says so.
FORGED_CERTIFICATE = "/awards/certificates/AW2026-forged/"
# What a visitor sends when they leave every field empty, past the browser's own checks.
EMPTY_REGISTRATION = {"category": "", "full_name": "", "email": "not an email", "consent": ""}


@pytest.fixture
def demo_expo() -> Expo:
    """The demo expo, its registration opened and its days moved ahead."""
    demo_load()
    today = timezone.localdate()
    demo_start = Expo.objects.get().start_date
    Expo.objects.update(
        start_date=today + datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=32),
        registration_opens_at=timezone.now() - datetime.timedelta(days=1),
        registration_closes_at=timezone.now() + datetime.timedelta(days=29),
    )
    # The programme moves with the days.
    moved_by = today + datetime.timedelta(days=30) - demo_start
    Session.objects.update(starts_at=F("starts_at") + moved_by, ends_at=F("ends_at") + moved_by)
    return Expo.objects.get()


@pytest.fixture
def public_paths(demo_expo) -> list[str]:
    """Every kind of public page, filled with the demo expo."""
    expo = demo_expo
    exhibitor = Exhibitor.objects.filter(expo=expo).order_by("name").first()
    hall = Hall.objects.filter(expo=expo).first()
    token = links.manage_token(register_visitor(expo, dates=[expo.start_date]))
    session = Session.objects.get(kind="workshop")
    # A venue screen with something on now and next in its hall.
    room = Room.objects.filter(hall__expo=expo).order_by("pk").first()
    now = timezone.now()
    for starts_at, title, title_ur in [
        (now - datetime.timedelta(minutes=10), "Export finance clinic", "برآمدی مالیات کلینک"),
        (now + datetime.timedelta(minutes=30), "Cluster marketing talk", ""),
    ]:
        Session.objects.create(
            expo=expo,
            room=room,
            kind="talk",
            title=title,
            title_ur=title_ur,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(minutes=30),
        )
    return [
        "/",
        "/exhibitors/",
        f"/exhibitors/?q={quote(exhibitor.name)}",
        f"/exhibitors/{exhibitor.slug}/",
        "/floor-plan/",
        f"/floor-plan/{hall.code}/",
        f"/floor-plan/{hall.code}/?q={quote(exhibitor.name)}",
        "/register/",
        f"/register/done/{token}/",
        f"/register/manage/{token}/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/invitations/no-such-link/",
        "/open-data/",
        f"/open-data/{expo.year}/",
        "/programme/",
        f"/programme/?day={expo.start_date.isoformat()}&kind=workshop",
        f"/programme/sessions/{session.pk}/",
        f"/programme/speakers/{session.speakers.first().pk}/",
        *_matchmaking_visitor_paths(),
        "/programme/screens/",
        f"/programme/screens/{room.hall.code}/",
        f"/programme/screens/{room.hall.code}/?show=ur",
        f"/programme/screens/{room.hall.code}/?show=en",
        *_awards_public_paths(expo),
    ]


def _awards_public_paths(expo: Expo) -> list[str]:
    """The demo expo's published awards: a category with its winner and runner-up on the awards page, the winner's
    certificate's verification page (made here when the demo ran no worker) and that of a forged link."""
    winner = Result.objects.get(
        category__expo=expo, category__name="Micro enterprise of the year", place=Result.Place.WINNER
    )
    assert winner.published_at is not None
    assert Result.objects.filter(category=winner.category, place=Result.Place.RUNNER_UP).exists()
    certificate, _made = Certificate.objects.get_or_create(
        result=winner, defaults={"number": f"AW{expo.year}-{winner.pk:05d}"}
    )
    return ["/awards/", f"/awards/certificates/{certificate.public_id}/", FORGED_CERTIFICATE]


MATCHMAKING_PAGES = ["", "profile/", "availability/", "suggestions/", "browse/", "requests/", "agenda/"]


def _matchmaking_visitor_paths() -> list[str]:
    """A demo buyer's matchmaking pages, reached by their manage link: their requests in every state, their agenda
    with a meeting."""
    buyer = Participant.objects.filter(kind="visitor", seats__isnull=False).order_by("pk").first()
    token = links.manage_token(buyer.registration)
    return [f"/matchmaking/{token}/{page}" for page in MATCHMAKING_PAGES]


def _matchmaking_signed_in_paths() -> dict:
    """A member of two demo exhibitors (one with meetings on its agenda, one asked for a meeting it has not
    answered) and a member of the matchmaking desk (runs, meetings, slots, acting for a participant, the printed
    sheets), with the pages they work in."""
    with_meetings = Participant.objects.filter(kind="exhibitor", seats__isnull=False).order_by("pk").first().exhibitor
    asked = MeetingRequest.objects.filter(status="pending", receiver__kind="exhibitor").order_by("pk").first()
    member = UserFactory()
    for exhibitor in (with_meetings, asked.receiver.exhibitor):
        ExhibitorMembership.objects.create(exhibitor=exhibitor, user=member)
    desk = UserFactory()
    add_to_role(desk, roles.MATCHMAKING_DESK)
    meeting = Meeting.objects.filter(state="scheduled").order_by("pk").first()
    day = timezone.localtime(meeting.slot.start).date().isoformat()
    buyer = Participant.objects.filter(kind="visitor").order_by("pk").first()
    return {
        member: [
            *(f"/exhibitor/{with_meetings.pk}/matchmaking/{page}" for page in MATCHMAKING_PAGES),
            f"/exhibitor/{with_meetings.pk}/matchmaking/browse/?side=visitors",
            f"/exhibitor/{asked.receiver.exhibitor.pk}/matchmaking/requests/",
            f"/exhibitor/{asked.receiver.exhibitor.pk}/matchmaking/requests/{asked.pk}/decline/",
        ],
        desk: [
            "/staff/matchmaking/",
            f"/staff/matchmaking/runs/{SchedulerRun.objects.get(status='published').pk}/",
            "/staff/matchmaking/meetings/",
            f"/staff/matchmaking/meetings/{meeting.pk}/move/",
            f"/staff/matchmaking/meetings/{meeting.pk}/swap/",
            "/staff/matchmaking/slots/",
            "/staff/matchmaking/participants/",
            f"/staff/matchmaking/participants/{buyer.pk}/",
            f"/staff/matchmaking/participants/{buyer.pk}/availability/",
            "/staff/matchmaking/print/",
            f"/staff/matchmaking/print/{day}/tables/",
            f"/staff/matchmaking/print/{day}/day/",
        ],
    }


def _awards_juror_paths() -> dict:
    """A juror of the demo expo on the panel of Export excellence's final round, assigned a candidate: their list
    of candidates (with the form to declare a conflict) and the candidate's scoring page with its rubric. The demo
    has closed its rounds; this one is opened again, as it was while the jury scored."""
    round = Round.objects.get(category__name="Export excellence", kind=Round.Kind.FINAL)
    Round.objects.filter(pk=round.pk).update(closed_at=None, closed_by=None)
    juror = juror_with_account(round.category.expo, round=round, name="Ayesha Malik")
    candidate = round.category.candidates.order_by("pk").first()
    assign(juror, candidate, round)
    return {juror.user: ["/awards/jury/", f"/awards/jury/rounds/{round.pk}/candidates/{candidate.pk}/"]}


def _set_cookie(page, live_server, name: str, value: str) -> None:
    page.context.add_cookies([{"name": name, "value": value, "url": live_server.url}])


def _axe_violations(page) -> list[str]:
    page.evaluate(AXE.read_text())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [
        f"{violation['id']}: {violation['help']} at {node['html']} ({node['failureSummary']})"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.django_db(transaction=True)
def test_public_pages_pass_the_accessibility_audit(page, live_server, public_paths):
    require(AXE.exists(), "axe-core in node_modules (npm ci)")
    found = {}
    for language in LANGUAGES:
        _set_cookie(page, live_server, settings.LANGUAGE_COOKIE_NAME, language)
        for path in public_paths:
            page.goto(path)
            found[language, path] = _axe_violations(page)
        # The registration form as it comes back with errors beside its fields.
        page.goto("/register/")
        page.evaluate("document.querySelector('[data-testid=registration-form]').noValidate = true")
        page.fill("#id_email", EMPTY_REGISTRATION["email"])
        page.locator("[data-testid=registration-form] button[type=submit]").click()
        page.wait_for_selector(".invalid-feedback")
        found[language, "/register/ with errors"] = _axe_violations(page)

    assert {where: problems for where, problems in found.items() if problems} == {}
    assert len(found) == len(LANGUAGES) * (len(public_paths) + 1)


@pytest.mark.django_db
def test_public_pages_are_valid_html(client, public_paths, tmp_path):
    require(VNU.exists(), "vnu-jar in node_modules (npm ci)")
    require(shutil.which("java") is not None, "a Java runtime for the Nu HTML checker")
    documents = {}
    for language in LANGUAGES:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for path in public_paths:
            documents[language, path] = client.get(path, follow=True)
        documents[language, "/register/ with errors"] = client.post("/register/", EMPTY_REGISTRATION)
    for where, response in documents.items():
        # The pages of an unknown invitation link and of a forged certificate.
        expected = 404 if where[1].startswith("/invitations/") or where[1] == FORGED_CERTIFICATE else 200
        assert response.status_code == expected, (where, response.status_code)

    assert _nu_errors(documents, tmp_path) == []
    assert b"invalid-feedback" in documents["en", "/register/ with errors"].content


def _nu_errors(documents: dict, tmp_path) -> list[str]:
    """The Nu HTML checker's errors in each response of ``documents``, named by the key it is held under."""
    files = {}
    for number, (where, response) in enumerate(documents.items()):
        files[str(tmp_path / f"{number}.html")] = where
        (tmp_path / f"{number}.html").write_bytes(response.content)
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return [
        f"{files[message['url'].removeprefix('file:')]}, line {message.get('lastLine')}: {message['message']}"
        for message in json.loads(checked.stderr)["messages"]
    ]


def _signed_in_paths() -> dict:
    """Who signs in, and the pages they work in; with the demo expo loaded."""
    trade_body = TradeBody.objects.filter(nominations__isnull=False).distinct().first()
    nomination = trade_body.nominations.first()
    nominator = MembershipFactory(trade_body=trade_body).user
    exhibitor = Exhibitor.objects.order_by("name").first()
    member = UserFactory()
    ExhibitorMembership.objects.create(exhibitor=exhibitor, user=member)
    gate_staff, desk_staff = UserFactory(), UserFactory()
    add_to_role(gate_staff, roles.GATE_STAFF)
    add_to_role(desk_staff, roles.REGISTRATION_DESK)
    return {
        nominator: [
            f"/trade-bodies/{trade_body.pk}/",
            f"/trade-bodies/{trade_body.pk}/nominations/new/",
            f"/nominations/{nomination.pk}/",
        ],
        member: [
            f"/exhibitor/{exhibitor.pk}/",
            f"/exhibitor/{exhibitor.pk}/profile/",
            f"/exhibitor/{exhibitor.pk}/products/",
            f"/exhibitor/{exhibitor.pk}/products/add/",
            f"/exhibitor/{exhibitor.pk}/staff/",
            f"/exhibitor/{exhibitor.pk}/staff/add/",
        ],
        gate_staff: ["/gate/"],
        desk_staff: ["/visitors/desk/", "/visitors/numbers/", "/visitors/print/"],
        **_matchmaking_signed_in_paths(),
        **_awards_juror_paths(),
    }


@pytest.mark.django_db(transaction=True)
def test_signed_in_pages_pass_the_accessibility_audit(page, live_server, demo_expo):
    require(AXE.exists(), "axe-core in node_modules (npm ci)")
    pages_of = _signed_in_paths()
    found = {}
    for user, paths in pages_of.items():
        client = Client()
        client.force_login(user)
        page.context.clear_cookies()
        _set_cookie(page, live_server, settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
        for language in LANGUAGES:
            _set_cookie(page, live_server, settings.LANGUAGE_COOKIE_NAME, language)
            for path in paths:
                assert page.goto(path).status == 200, path
                found[language, path] = _axe_violations(page)

    assert {where: problems for where, problems in found.items() if problems} == {}
    assert len(found) == len(LANGUAGES) * sum(len(paths) for paths in pages_of.values())


@pytest.mark.django_db
def test_matchmaking_signed_in_pages_are_valid_html(demo_expo, tmp_path):
    require(VNU.exists(), "vnu-jar in node_modules (npm ci)")
    require(shutil.which("java") is not None, "a Java runtime for the Nu HTML checker")
    documents = {}
    for user, paths in _matchmaking_signed_in_paths().items():
        client = Client()
        client.force_login(user)
        for language in LANGUAGES:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for path in paths:
                documents[language, path] = client.get(path)
                assert documents[language, path].status_code == 200, (language, path)

    assert _nu_errors(documents, tmp_path) == []
    meetings = documents["en", "/staff/matchmaking/meetings/"].content.decode()
    assert meetings.count(">Move</a>") == Meeting.objects.filter(state="scheduled").count() > 0


@pytest.mark.django_db
def test_juror_pages_are_valid_html(demo_expo, tmp_path):
    require(VNU.exists(), "vnu-jar in node_modules (npm ci)")
    require(shutil.which("java") is not None, "a Java runtime for the Nu HTML checker")
    [(juror, paths)] = _awards_juror_paths().items()
    scoring = paths[-1]
    criteria = Round.objects.get(category__name="Export excellence", kind=Round.Kind.FINAL).criteria.all()
    client = Client()
    client.force_login(juror)
    documents = {}
    for language in LANGUAGES:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for path in paths:
            documents[language, path] = client.get(path)
            assert documents[language, path].status_code == 200, (language, path)
        # The scoring page as it comes back with a top score that lacks its comment.
        documents[language, "scoring with errors"] = client.post(
            scoring, {**{f"score_{c.pk}": "10" for c in criteria}, "submit": "1"}
        )
        assert documents[language, "scoring with errors"].status_code == 400

    assert _nu_errors(documents, tmp_path) == []
    assert b"invalid-feedback" in documents["en", "scoring with errors"].content
