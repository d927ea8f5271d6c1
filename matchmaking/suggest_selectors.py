"""Reads for suggestions of whom to meet: the one adapter from the database to ``matchmaking.suggest``, and the
suggestions a participant's page shows.

A participant reaches their suggestions only through their own ``Actor`` (``selectors.actor_for``), so a
suggestion of someone else is a 404 like one that does not exist.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import translation

from exhibitors.models import Exhibitor
from expo.models import Cluster, Expo, Sector
from visitors.countries import COUNTRIES

from . import selectors, suggest
from .models import MatchmakingSettings, MeetingRequest, Participant, Suggestion

# Names of markets people type that are not a country's name.
MARKET_ALIASES = {"uae": "AE", "usa": "US", "us": "US", "uk": "GB", "ksa": "SA", "england": "GB", "europe": "EU"}


@dataclass(frozen=True)
class SuggestInputs:
    profiles: list[suggest.Profile]
    catalogue: suggest.Catalogue
    weights: suggest.Weights
    asked: list[tuple[suggest.Key, suggest.Key]]
    limit: int
    keys: dict[int, suggest.Key]  # participant pk -> its key in the suggestions


def country_codes() -> dict[str, str]:
    """Every country's name, in English and in Urdu, normalised as ``suggest`` compares terms -> its ISO code."""
    names = dict(MARKET_ALIASES)
    for language in ("en", "ur"):
        with translation.override(language):
            for code, label in COUNTRIES:
                names[suggest.normalise(str(label))] = code
    return names


def markets_of(text: str, codes: dict[str, str]) -> tuple[str, ...]:
    """The markets a text names, each as its country code when the name is known."""
    found = []
    for name in suggest.split_terms(text):
        normalised = suggest.normalise(name)
        found.append(codes.get(normalised, name.upper() if len(name) == 2 else normalised))
    return tuple(found)


def weights_of(rules: MatchmakingSettings) -> suggest.Weights:
    return suggest.Weights(
        sector=rules.suggest_weight_sector,
        products=rules.suggest_weight_products,
        hs_code=rules.suggest_weight_hs_code,
        market=rules.suggest_weight_market,
        size=rules.suggest_weight_size,
        women_led=rules.suggest_weight_women_led,
        micro=rules.suggest_weight_micro,
    )


def suggest_inputs(*, expo: Expo) -> SuggestInputs:
    """Every exhibitor listed at ``expo`` that has not opted out (with its directory profile: cluster, products
    and their HS codes, export markets, size, women-led; and its matchmaking profile once it joined), every
    visitor taking part, the pairs with a request that was not withdrawn, and the staff's weights. A constant
    number of queries."""
    rules = selectors.settings_for(expo)
    codes = country_codes()
    participants = list(
        Participant.objects.filter(expo=expo, active=True).prefetch_related("clusters", "sectors").order_by("pk")
    )
    by_exhibitor = {p.exhibitor_id: p for p in participants if p.exhibitor_id}
    exhibitors = list(
        Exhibitor.objects.filter(expo=expo, listed=True)
        .exclude(participant__active=False)
        .prefetch_related("products")
        .order_by("pk")
    )
    keys: dict[int, suggest.Key] = {}
    profiles = []
    for exhibitor in exhibitors:
        joined = by_exhibitor.get(exhibitor.pk)
        products = list(exhibitor.products.all())
        keywords = [product.name for product in products]
        hs_codes = [product.hs_code for product in products if product.hs_code]
        markets = list(markets_of(exhibitor.export_markets, codes))
        clusters = {exhibitor.cluster_id}
        sectors: set[int] = set()
        if joined is not None:
            keys[joined.pk] = ("e", exhibitor.pk)
            keywords.append(joined.product_keywords)
            hs_codes.append(joined.hs_codes)
            markets.extend(markets_of(joined.target_markets, codes))
            clusters.update(cluster.pk for cluster in joined.clusters.all())
            sectors.update(sector.pk for sector in joined.sectors.all())
        profiles.append(
            suggest.Profile(
                key=("e", exhibitor.pk),
                kind=suggest.EXHIBITOR,
                expo=expo.pk,
                participant=joined.pk if joined else None,
                country="PK",
                clusters=frozenset(clusters),
                sectors=frozenset(sectors),
                keywords=tuple(keywords),
                hs_codes=tuple(hs_codes),
                markets=tuple(markets),
                volume=joined.volume if joined else "",
                size_class=exhibitor.size_class,
                women_led=exhibitor.women_led,
            )
        )
    for participant in participants:
        if participant.exhibitor_id:
            continue
        keys[participant.pk] = ("p", participant.pk)
        profiles.append(
            suggest.Profile(
                key=("p", participant.pk),
                kind=suggest.VISITOR,
                expo=expo.pk,
                participant=participant.pk,
                country=participant.country,
                clusters=frozenset(cluster.pk for cluster in participant.clusters.all()),
                sectors=frozenset(sector.pk for sector in participant.sectors.all()),
                keywords=(participant.product_keywords,),
                hs_codes=(participant.hs_codes,),
                markets=markets_of(participant.target_markets, codes),
                volume=participant.volume,
            )
        )
    # A pair with a request, answered or not, is not suggested again; a withdrawn request leaves it free.
    asked = []
    pairs = (
        MeetingRequest.objects.filter(expo=expo)
        .exclude(status=MeetingRequest.Status.WITHDRAWN)
        .values_list("sender_id", "sender__exhibitor_id", "receiver_id", "receiver__exhibitor_id")
    )
    for sender, sender_exhibitor, receiver, receiver_exhibitor in pairs:
        a = ("e", sender_exhibitor) if sender_exhibitor else ("p", sender)
        b = ("e", receiver_exhibitor) if receiver_exhibitor else ("p", receiver)
        asked.append((a, b))
    clusters = list(Cluster.objects.only("id", "name", "sector_id"))
    catalogue = suggest.Catalogue(
        clusters={cluster.pk: suggest.Name(cluster.name) for cluster in clusters},
        cluster_sector={cluster.pk: cluster.sector_id for cluster in clusters},
        sectors={
            pk: suggest.Name(name, name_ur) for pk, name, name_ur in Sector.objects.values_list("pk", "name", "name_ur")
        },
        synonyms={name_ur: name for name, name_ur in Sector.objects.exclude(name_ur="").values_list("name", "name_ur")},
    )
    return SuggestInputs(
        profiles=profiles,
        catalogue=catalogue,
        weights=weights_of(rules),
        asked=asked,
        limit=rules.suggestions_per_participant,
        keys=keys,
    )


def suggestions_of(*, participant: Participant) -> QuerySet[Suggestion]:
    """The participant's suggestions, best first, less those with a request between the two made since they were
    computed (answered or not; a withdrawn one aside, as when computing); with whom each names. A constant number
    of queries whatever their number."""
    standing = MeetingRequest.objects.exclude(status=MeetingRequest.Status.WITHDRAWN).filter(
        Q(sender=participant, receiver__exhibitor=OuterRef("exhibitor"))
        | Q(receiver=participant, sender__exhibitor=OuterRef("exhibitor"))
        | Q(sender=participant, receiver=OuterRef("other"))
        | Q(receiver=participant, sender=OuterRef("other"))
    )
    return (
        Suggestion.objects.filter(participant=participant)
        .exclude(Exists(standing))
        .filter(Q(exhibitor__isnull=True) | Q(exhibitor__listed=True))
        .exclude(other__active=False)
        .exclude(exhibitor__participant__active=False)
        .select_related("exhibitor__cluster__sector", "other")
        .order_by("rank")
    )


def suggestion_for(*, actor: selectors.Actor, pk: int) -> Suggestion:
    """The actor's own suggestion ``pk``; a 404 for anyone else's."""
    if actor.participant is None:
        raise Http404
    found = Suggestion.objects.filter(participant=actor.participant, pk=pk).first()
    if found is None:
        raise Http404
    return found


def suggestions_pending(*, participant: Participant) -> bool:
    """True while the participant's suggestions have not been computed since they joined."""
    computed = selectors.settings_for(participant.expo).suggestions_computed_at
    return computed is None or computed < participant.opted_in_at
