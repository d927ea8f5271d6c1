"""Suggestions of whom to meet: the pure scoring (each factor, the reasons, the weights, determinism), the
background recompute when a profile changes, the page with its one-click request, bad input and isolation."""

import random
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from matchmaking import suggest, suggest_services
from matchmaking.models import MatchmakingSettings, MeetingRequest, Suggestion
from matchmaking.suggest import EXHIBITOR, VISITOR, Catalogue, Name, Profile, Weights
from matchmaking.views_suggest import reason_text
from tests.conftest import staff_member
from tests.factories import (
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    ExhibitorParticipantFactory,
    ExhibitorProductFactory,
    ExpoFactory,
    MatchmakingSettingsFactory,
    MeetingRequestFactory,
    SectorFactory,
    VisitorParticipantFactory,
    confirmed_buyer,
)
from visitors import links

# --- The pure module ------------------------------------------------------------------------------------------

CATALOGUE = Catalogue(
    clusters={
        1: Name("Surgical instruments, Sialkot"),
        2: Name("Sports goods, Sialkot"),
        3: Name("Scalpels, Wazirabad"),
    },
    cluster_sector={1: 10, 2: 20, 3: 10},
    sectors={10: Name("Surgical instruments", "جراحی آلات"), 20: Name("Sports goods", "کھیلوں کا سامان")},
)


def buyer(pk=1, **fields) -> Profile:
    return Profile(key=("p", pk), kind=VISITOR, expo=1, participant=pk, **{"country": "KE", **fields})


def maker(pk, participant=None, **fields) -> Profile:
    return Profile(key=("e", pk), kind=EXHIBITOR, expo=1, participant=participant, **{"country": "PK", **fields})


DEFAULT = Weights()


def ranked(profiles, owner=1, weights=DEFAULT, **kwargs):
    """The targets suggested to participant ``owner``, best first, with their scores."""
    found = suggest.suggest(profiles, weights=weights, catalogue=CATALOGUE, **kwargs)
    return [(s.target, s.score) for s in found[owner]]


def reasons(profiles, owner=1, target=None, weights=DEFAULT):
    found = suggest.suggest(profiles, weights=weights, catalogue=CATALOGUE)[owner]
    chosen = next(s for s in found if target is None or s.target == target)
    return [(r.code, dict(r.params)) for r in chosen.reasons]


ONLY = {
    "sector": Weights(sector=1, products=0, hs_code=0, market=0, size=0, women_led=0, micro=0),
    "products": Weights(sector=0, products=1, hs_code=0, market=0, size=0, women_led=0, micro=0),
    "hs_code": Weights(sector=0, products=0, hs_code=1, market=0, size=0, women_led=0, micro=0),
}


def test_a_shared_cluster_scores_above_a_shared_sector_and_nothing_shared_is_not_suggested():
    profiles = [
        buyer(clusters=frozenset({1})),
        maker(11, clusters=frozenset({1})),  # the same cluster
        maker(12, clusters=frozenset({3})),  # another cluster of the same sector
        maker(13, clusters=frozenset({2})),  # another sector
    ]

    assert ranked(profiles, weights=ONLY["sector"]) == [(("e", 11), 100), (("e", 12), 60)]
    assert reasons(profiles, target=("e", 11)) == [
        ("cluster_theirs", {"cluster": Name("Surgical instruments, Sialkot")})
    ]
    assert reasons(profiles, target=("e", 12)) == [
        ("sector_theirs", {"sector": Name("Surgical instruments", "جراحی آلات")})
    ]


def test_product_keywords_match_whatever_the_case_plural_or_language():
    profiles = [
        buyer(keywords=("Surgical Instruments, dental mirrors",)),
        maker(11, keywords=("surgical instrument",)),  # singular, lower case
        maker(12, keywords=("جراحی آلات",)),  # the same in Urdu, through the glossary
        maker(13, keywords=("Dental chairs",)),  # one word in common
        maker(14, keywords=("footballs",)),
    ]

    assert ranked(profiles, weights=ONLY["products"]) == [(("e", 11), 100), (("e", 12), 100), (("e", 13), 40)]
    # The reason names the product as the buyer wrote it.
    assert reasons(profiles, target=("e", 12)) == [("products", {"products": "Surgical Instruments"})]
    assert reasons(profiles, target=("e", 13)) == [("products", {"products": "dental"})]


def test_an_urdu_sector_name_from_the_catalogue_reads_as_its_english_name():
    catalogue = Catalogue(synonyms={"آلات موسیقی دستی": "hand drums"})
    profiles = [buyer(keywords=("Hand drums",)), maker(11, keywords=("آلات موسیقی دستی",))]

    found = suggest.suggest(profiles, weights=ONLY["products"], catalogue=catalogue)

    assert [(s.target, s.score) for s in found[1]] == [(("e", 11), 100)]


def test_hs_codes_match_by_prefix_at_six_four_and_two_digits():
    profiles = [
        buyer(hs_codes=("9018.90.10",)),
        maker(11, hs_codes=("901890",)),  # 6 digits
        maker(12, hs_codes=("9018.31",)),  # 4 digits
        maker(13, hs_codes=("9021.10",)),  # the chapter
        maker(14, hs_codes=("9506.62",)),
    ]

    assert ranked(profiles, weights=ONLY["hs_code"]) == [(("e", 11), 100), (("e", 12), 70), (("e", 13), 35)]
    assert reasons(profiles, target=("e", 11)) == [("hs_code", {"code": "9018.90"})]
    assert reasons(profiles, target=("e", 12)) == [("hs_code", {"code": "9018"})]
    assert reasons(profiles, target=("e", 13)) == [("hs_chapter", {"code": "90"})]


def test_export_market_fit_ranks_who_exports_to_the_buyers_country_first():
    weights = Weights(sector=1, products=0, hs_code=0, market=1, size=0, women_led=0, micro=0)
    same = {"clusters": frozenset({1})}
    profiles = [
        buyer(markets=("UG",), **same),
        maker(11, markets=("DE",), **same),  # neither: a foreign buyer still counts a little
        maker(12, markets=("UG", "AE"), **same),  # a market the buyer sources for
        maker(13, markets=("KE",), **same),  # the buyer's own country
    ]

    assert ranked(profiles, weights=weights) == [(("e", 13), 200), (("e", 12), 170), (("e", 11), 130)]
    assert reasons(profiles, target=("e", 13))[1] == ("exports_to_your_country", {"country": "KE"})
    assert reasons(profiles, target=("e", 12))[1] == ("exports_to_your_market", {"country": "UG"})


def test_an_exhibitor_is_told_the_buyer_imports_to_its_market():
    profiles = [
        buyer(2, keywords=("surgical instruments",)),
        maker(11, participant=7, keywords=("Surgical instruments",), markets=("KE",)),
    ]

    assert reasons(profiles, owner=7) == [
        ("products", {"products": "Surgical instruments"}),
        ("imports_to_your_market", {"country": "KE"}),
    ]


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("5,000 pieces a month", 0),
        ("USD 200,000 a year", 1),
        ("PKR 3 crore", 2),
        ("2.5 million dollars", 1),
        ("10k units", 0),
        ("large orders", None),
    ],
)
def test_volume_band_reads_the_largest_number_and_its_unit(text, band):
    assert suggest.volume_band(text) == band


def test_size_fit_prefers_an_exhibitor_of_the_buyers_volume():
    weights = Weights(sector=1, products=0, hs_code=0, market=0, size=1, women_led=0, micro=0)
    same = {"clusters": frozenset({1})}
    profiles = [
        buyer(volume="5,000 pieces a month", **same),
        maker(11, size_class="medium", **same),
        maker(12, size_class="micro", **same),
        maker(13, size_class="small", **same),
    ]

    assert ranked(profiles, weights=weights) == [(("e", 12), 200), (("e", 13), 140), (("e", 11), 100)]
    assert reasons(profiles, target=("e", 12), weights=weights)[1] == ("size_fits_volume", {})


def test_women_led_and_micro_preferences_are_weights_that_change_the_ranking():
    same = {"keywords": ("surgical instruments",)}
    profiles = [
        buyer(**same),
        maker(11, size_class="small", **same),
        maker(12, size_class="small", women_led=True, **same),
        maker(13, size_class="micro", **same),
    ]
    neutral = Weights(women_led=0, micro=0)

    # Without a preference they tie and go by id.
    assert [t for t, _ in ranked(profiles, weights=neutral)] == [("e", 11), ("e", 12), ("e", 13)]
    women_first = Weights(women_led=2, micro=1)
    assert [t for t, _ in ranked(profiles, weights=women_first)] == [("e", 12), ("e", 13), ("e", 11)]
    micro_first = Weights(women_led=1, micro=2)
    assert [t for t, _ in ranked(profiles, weights=micro_first)] == [("e", 13), ("e", 12), ("e", 11)]
    assert reasons(profiles, target=("e", 12), weights=women_first) == [
        ("products", {"products": "surgical instruments"}),
        ("women_led", {}),
    ]


def test_a_preference_alone_never_makes_a_suggestion():
    profiles = [
        buyer(keywords=("rice",), markets=("AE",)),
        maker(11, keywords=("footballs",), markets=("AE", "KE"), women_led=True),
    ]

    assert ranked(profiles, weights=Weights(women_led=9, market=9)) == []


def test_nobody_is_suggested_themselves_their_own_exhibitor_another_expo_or_a_pair_already_asked():
    same = {"keywords": ("surgical instruments",)}
    profiles = [
        buyer(1, **same),
        buyer(2, **same),  # another visitor: visitors do not meet each other
        maker(11, participant=7, **same),
        maker(12, **same),
        maker(13, **same),  # already asked
        Profile(key=("e", 14), kind=EXHIBITOR, expo=2, **same),  # another expo
    ]

    found = suggest.suggest(profiles, weights=Weights(), catalogue=CATALOGUE, asked=[(("e", 13), ("p", 1))])

    assert [s.target for s in found[1]] == [("e", 11), ("e", 12)]
    # The exhibitor meets visitors and other exhibitors, never itself.
    assert sorted(s.target for s in found[7]) == [("e", 12), ("e", 13), ("p", 1), ("p", 2)]
    # An exhibitor that has not joined is suggested to others but gets no suggestions itself.
    assert set(found) == {1, 2, 7}


def test_suggestions_are_deterministic_whatever_the_input_order_and_keep_the_limit():
    rng = random.Random(7)
    words = ["scissors", "forceps", "scalpels", "footballs", "gloves", "rice", "mangoes", "towels"]
    profiles = [
        buyer(pk, keywords=(", ".join(rng.sample(words, 3)),), hs_codes=(rng.choice(["9018", "9506", "1006"]),))
        for pk in range(1, 30)
    ] + [
        maker(100 + pk, participant=200 + pk, keywords=(", ".join(rng.sample(words, 2)),), markets=("KE",))
        for pk in range(40)
    ]
    first = suggest.suggest(profiles, weights=Weights(), catalogue=CATALOGUE, limit=5)

    for seed in range(3):
        shuffled = profiles[:]
        random.Random(seed).shuffle(shuffled)
        assert suggest.suggest(shuffled, weights=Weights(), catalogue=CATALOGUE, limit=5) == first
    assert all(len(items) <= 5 for items in first.values())
    assert max(len(items) for items in first.values()) == 5
    for items in first.values():
        assert [(-s.score, s.target) for s in items] == sorted((-s.score, s.target) for s in items)


def test_the_reason_reads_as_one_line_in_english_and_in_urdu():
    profiles = [
        buyer(keywords=("surgical instruments",)),
        maker(11, keywords=("Surgical instruments",), markets=("KE",)),
    ]
    found = suggest.suggest(profiles, weights=Weights(), catalogue=CATALOGUE)[1][0]
    stored = [[r.code, suggest.reason_params(r)] for r in found.reasons]

    with translation.override("en"):
        assert reason_text(stored) == "you both listed surgical instruments; they export to Kenya"
    sector = [
        ["sector_theirs", suggest.reason_params(suggest.Reason("sector_theirs", {"sector": CATALOGUE.sectors[10]}))]
    ]
    with translation.override("ur"):
        assert "جراحی آلات" in reason_text(sector)


def test_the_scoring_module_loads_without_django():
    code = (
        "import sys, matchmaking.suggest; sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )

    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- The portal: recompute, the page, one click, bad input, isolation -----------------------------------------


def visitor_url(participant, name, *args):
    return reverse(f"mm_visitor_{name}", args=[links.manage_token(participant.registration), *args])


def exhibitor_url(exhibitor, name, *args):
    return reverse(f"mm_exhibitor_{name}", args=[exhibitor.pk, *args])


@pytest.fixture
def makers(expo, exhibitor, other_exhibitor):
    """Hilal Surgical exports surgical instruments to Kenya; Zahra Sports makes footballs."""
    exhibitor.export_markets = "Kenya, United Arab Emirates"
    exhibitor.save()
    ExhibitorProductFactory(exhibitor=exhibitor, name="Surgical instruments", hs_code="9018.90")
    ExhibitorProductFactory(exhibitor=other_exhibitor, name="Footballs", hs_code="9506.62")
    return exhibitor, other_exhibitor


def profile_data(**overrides) -> dict:
    return {
        "organisation": "Nairobi Med Supplies",
        "country": "KE",
        "product_keywords": "surgical instruments",
        "hs_codes": "",
        "volume": "",
        "target_markets": "Kenya",
        "languages": "English",
        **overrides,
    }


@pytest.mark.django_db
def test_a_buyer_who_joins_gets_suggestions_computed_in_the_background_and_a_profile_edit_recomputes_them(
    client, expo, makers, buyer_registration, django_capture_on_commit_callbacks
):
    url = reverse("mm_visitor_profile", args=[links.manage_token(buyer_registration)])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url, profile_data())
    participant = buyer_registration.participant
    # Nothing is computed before the profile is committed: the page says they are being prepared.
    assert not Suggestion.objects.exists()
    assert (
        'data-testid="mm-suggestions-pending"' in client.get(visitor_url(participant, "suggestions")).content.decode()
    )
    for callback in callbacks:
        callback()

    assert list(Suggestion.objects.filter(participant=participant).values_list("exhibitor__name", flat=True)) == [
        "Hilal Surgical"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, profile_data(product_keywords="footballs", target_markets=""))

    assert list(Suggestion.objects.filter(participant=participant).values_list("exhibitor__name", flat=True)) == [
        "Zahra Sports"
    ]
    assert MatchmakingSettings.objects.get(expo=expo).suggestions_computed_at is not None


@pytest.mark.django_db
def test_an_exhibitor_adding_a_product_on_its_dashboard_is_suggested_after_the_background_recompute(
    client, expo, makers, buyer, member, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from tests.factories import ExhibitorMembershipFactory

    _hilal, zahra = makers
    suggest_services.suggestions_recompute(expo_id=expo.pk)
    assert not Suggestion.objects.filter(participant=buyer, exhibitor=zahra).exists()
    ExhibitorMembershipFactory(exhibitor=zahra, user=member)
    client.force_login(member)
    cache.clear()  # nothing else is waiting to be recomputed

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exhibitor_product_add", args=[zahra.pk]),
            {"name": "Surgical instruments", "description": "Forceps and scissors", "hs_code": "9018.90"},
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Suggestion.objects.filter(participant=buyer, exhibitor=zahra).exists()


@pytest.mark.django_db
def test_recomputing_twice_leaves_the_same_suggestions(expo, makers, buyer):
    first = suggest_services.suggestions_recompute(expo_id=expo.pk)
    rows = list(Suggestion.objects.values_list("participant", "exhibitor", "other", "rank", "score", "reasons"))

    second = suggest_services.suggestions_recompute(expo_id=expo.pk)

    assert first == second == len(rows) == 1
    assert list(Suggestion.objects.values_list("participant", "exhibitor", "other", "rank", "score", "reasons")) == rows


def test_a_real_worker_recomputes_after_a_buyer_joins(client, expo, makers, buyer_registration, celery_worker):
    response = client.post(reverse("mm_visitor_profile", args=[links.manage_token(buyer_registration)]), profile_data())
    assert response.status_code == 302

    deadline = time.monotonic() + 60
    while not Suggestion.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert list(Suggestion.objects.values_list("participant__organisation", "exhibitor__name")) == [
        ("Nairobi Med Supplies", "Hilal Surgical")
    ]


@pytest.mark.django_db
def test_buyer_sees_the_reason_and_asks_in_one_click(
    client, expo, makers, buyer, member, django_capture_on_commit_callbacks
):
    hilal, _zahra = makers
    suggest_services.suggestions_recompute(expo_id=expo.pk)
    home = client.get(visitor_url(buyer, "home")).content.decode()
    assert visitor_url(buyer, "suggestions") in home

    page = client.get(visitor_url(buyer, "suggestions")).content.decode()

    assert "Hilal Surgical" in page
    assert "Zahra Sports" not in page
    assert "you both listed surgical instruments; they export to Kenya" in page
    suggestion = Suggestion.objects.get(participant=buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(visitor_url(buyer, "suggestion_ask", suggestion.pk), follow=True)

    request = MeetingRequest.objects.get()
    assert (request.sender, request.receiver.exhibitor, request.priority, request.message) == (
        buyer,
        hilal,
        "would",
        "",
    )
    assert "Your request to Hilal Surgical is sent." in response.content.decode()
    # Asked: no longer suggested.
    assert 'data-testid="mm-suggestion-' not in response.content.decode()
    assert [message.to for message in mail.outbox] == [["owner@hilal.example.pk"]]


@pytest.mark.django_db
def test_exhibitor_sees_the_buyer_suggested_on_its_dashboard_tab(client, expo, makers, buyer, member):
    hilal, _zahra = makers
    ExhibitorParticipantFactory(exhibitor=hilal, product_keywords="scalpels")
    suggest_services.suggestions_recompute(expo_id=expo.pk)
    client.force_login(member)

    page = client.get(exhibitor_url(hilal, "suggestions")).content.decode()

    assert "Nairobi Med Supplies" in page
    assert "you both listed Surgical instruments; they import to Kenya" in page


@pytest.mark.django_db
def test_asking_twice_is_refused_clearly_and_nothing_more_is_saved(client, expo, makers, buyer):
    suggest_services.suggestions_recompute(expo_id=expo.pk)
    suggestion = Suggestion.objects.get(participant=buyer)
    client.post(visitor_url(buyer, "suggestion_ask", suggestion.pk))

    response = client.post(visitor_url(buyer, "suggestion_ask", suggestion.pk), follow=True)

    assert MeetingRequest.objects.count() == 1
    assert "Your request was not sent: A request between you and Hilal Surgical already stands." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_a_pair_whose_request_was_declined_is_not_shown_again_before_the_next_recompute(
    client, expo, makers, buyer, member
):
    hilal, _zahra = makers
    suggest_services.suggestions_recompute(expo_id=expo.pk)
    MeetingRequestFactory(
        sender=ExhibitorParticipantFactory(exhibitor=hilal), receiver=buyer, status=MeetingRequest.Status.DECLINED
    )

    page = client.get(visitor_url(buyer, "suggestions")).content.decode()

    assert Suggestion.objects.filter(participant=buyer, exhibitor=hilal).exists()
    assert "Hilal Surgical" not in page


@pytest.mark.django_db
def test_asking_past_the_cap_is_refused_clearly(client, expo, makers, buyer):
    MatchmakingSettingsFactory(expo=expo, request_cap=1)
    MeetingRequestFactory(
        sender=buyer, receiver=ExhibitorParticipantFactory(exhibitor=ExhibitorFactory(nomination__expo=expo))
    )
    suggest_services.suggestions_recompute(expo_id=expo.pk)
    suggestion = Suggestion.objects.get(participant=buyer)

    response = client.post(visitor_url(buyer, "suggestion_ask", suggestion.pk), follow=True)

    assert MeetingRequest.objects.count() == 1
    assert "You have sent the 1 requests allowed; withdraw one to send another." in response.content.decode()


@pytest.mark.django_db
def test_a_stored_suggestion_of_oneself_is_refused_on_asking(client, expo, makers, member):
    hilal, _zahra = makers
    own = ExhibitorParticipantFactory(exhibitor=hilal)
    suggestion = Suggestion.objects.create(expo=expo, participant=own, exhibitor=hilal, rank=1, score=1, reasons=[])
    client.force_login(member)

    response = client.post(exhibitor_url(hilal, "suggestion_ask", suggestion.pk), follow=True)

    assert not MeetingRequest.objects.exists()
    assert "You cannot ask yourself for a meeting." in response.content.decode()


@pytest.mark.django_db
def test_a_buyer_sees_only_their_own_suggestions_and_cannot_ask_from_anothers(
    client, expo, makers, buyer, other_buyer, outsider
):
    hilal, _zahra = makers
    other_buyer.product_keywords = "footballs"
    other_buyer.save()
    suggest_services.suggestions_recompute(expo_id=expo.pk)
    theirs = Suggestion.objects.get(participant=other_buyer)

    page = client.get(visitor_url(buyer, "suggestions")).content.decode()
    assert "Hilal Surgical" in page
    assert "Zahra Sports" not in page
    # Another buyer's suggestion through one's own link, an altered link, another exhibitor's member: 404.
    assert client.post(visitor_url(buyer, "suggestion_ask", theirs.pk)).status_code == 404
    token = links.manage_token(buyer.registration)
    assert client.get(reverse("mm_visitor_suggestions", args=[token[:-2] + "xx"])).status_code == 404
    client.force_login(outsider)
    assert client.get(exhibitor_url(hilal, "suggestions")).status_code == 404
    client.logout()
    assert client.get(exhibitor_url(hilal, "suggestions")).status_code == 302  # to sign in
    assert not MeetingRequest.objects.exists()


@pytest.mark.django_db
def test_a_buyer_with_nothing_in_common_is_told_how_to_get_suggestions(client, expo, makers, buyer):
    buyer.product_keywords = "rice"
    buyer.save()
    suggest_services.suggestions_recompute(expo_id=expo.pk)

    page = client.get(visitor_url(buyer, "suggestions")).content.decode()

    assert 'data-testid="mm-suggestions-none"' in page


@pytest.mark.django_db
def test_suggestions_page_query_count_does_not_grow_with_suggestions(client, expo, makers, buyer):
    suggest_services.suggestions_recompute(expo_id=expo.pk)
    url = visitor_url(buyer, "suggestions")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).content.decode().count('data-testid="mm-suggestion-') == 1

    for n in range(6):
        maker = ExhibitorFactory(nomination__expo=expo, name=f"Sialkot Steel {n}", slug=f"sialkot-steel-{n}")
        ExhibitorProductFactory(exhibitor=maker, name="Surgical instruments")
    suggest_services.suggestions_recompute(expo_id=expo.pk)
    with CaptureQueriesContext(connection) as seven:
        assert client.get(url).content.decode().count('data-testid="mm-suggestion-') == 7

    assert len(seven) == len(one)


@pytest.mark.django_db
def test_weights_the_desk_sets_change_the_stored_ranking(expo, makers, buyer):
    women = ExhibitorFactory(nomination__expo=expo, name="Sialkot Women Steel", slug="sialkot-women", women_led=True)
    ExhibitorProductFactory(exhibitor=women, name="Surgical instruments")
    rules = MatchmakingSettingsFactory(expo=expo, suggest_weight_women_led=0, suggest_weight_market=0)
    suggest_services.suggestions_recompute(expo_id=expo.pk)
    assert list(Suggestion.objects.filter(participant=buyer).values_list("exhibitor__name", flat=True)) == [
        "Hilal Surgical",  # the same score (markets weigh nothing here): the smaller id first
        "Sialkot Women Steel",
    ]

    MatchmakingSettings.objects.filter(pk=rules.pk).update(suggest_weight_women_led=5)
    suggest_services.suggestions_recompute(expo_id=expo.pk)

    assert list(Suggestion.objects.filter(participant=buyer).values_list("exhibitor__name", flat=True)) == [
        "Sialkot Women Steel",
        "Hilal Surgical",
    ]


@pytest.mark.django_db
def test_the_desk_recomputes_from_the_admin_and_the_command_for_the_whole_expo(
    client, expo, makers, buyer, django_capture_on_commit_callbacks
):
    from expo import roles

    rules = MatchmakingSettingsFactory(expo=expo)
    client.force_login(staff_member(roles.MATCHMAKING_DESK, full_name="Hina Desk"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:matchmaking_matchmakingsettings_changelist"),
            {"action": "recompute_suggestions", "_selected_action": [rules.pk]},
            follow=True,
        )
    assert "The suggestions are being recomputed in the background." in response.content.decode()
    assert Suggestion.objects.filter(participant=buyer).count() == 1

    Suggestion.objects.all().delete()
    call_command("recompute_suggestions", expo=expo.pk)
    assert Suggestion.objects.filter(participant=buyer).count() == 1


@pytest.mark.django_db
def test_an_unlisted_exhibitor_and_a_buyer_who_left_are_not_suggested(client, expo, makers, buyer, other_buyer):
    hilal, _zahra = makers
    other_buyer.product_keywords = "surgical instruments"
    other_buyer.save()
    ExhibitorParticipantFactory(exhibitor=hilal)
    other_buyer.active = False
    other_buyer.save()
    unlisted_registration = confirmed_buyer(expo, email="gone@example.ke")
    VisitorParticipantFactory(expo=expo, registration=unlisted_registration, active=False)
    SectorFactory()  # a sector without an Urdu name is read as well

    suggest_services.suggestions_recompute(expo_id=expo.pk)

    assert list(Suggestion.objects.filter(participant__exhibitor=hilal).values_list("other", flat=True)) == [buyer.pk]
    assert not Suggestion.objects.filter(other=other_buyer).exists()


@pytest.mark.django_db
def test_exhibitors_of_another_expo_are_never_suggested(expo, makers, buyer):
    other_expo = ExpoFactory(name="Other 2043", year=2043, is_current=False)
    elsewhere = ExhibitorFactory(nomination__expo=other_expo, name="Far Away Surgical")
    ExhibitorProductFactory(exhibitor=elsewhere, name="Surgical instruments")
    ExhibitorMembershipFactory(exhibitor=elsewhere)

    suggest_services.suggestions_recompute(expo_id=expo.pk)
    suggest_services.suggestions_recompute(expo_id=elsewhere.expo_id)

    assert list(Suggestion.objects.filter(participant=buyer).values_list("exhibitor__name", flat=True)) == [
        "Hilal Surgical"
    ]
