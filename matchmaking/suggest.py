"""Who each matchmaking participant should meet, and why, in one line.

Pure Python, no Django: the caller builds a ``Profile`` for every exhibitor and visitor taking part,
a ``Catalogue`` of cluster and sector names, the ``Weights`` staff set, and the pairs that already
have a request; ``suggest`` returns, for each participant, the best ``limit`` others to meet.

Who is suggested to whom: a visitor (buyer, investor, bank, delegation) gets exhibitors; an
exhibitor gets visitors and other exhibitors (subcontracting, supply). Never oneself, one's own
exhibitor, anyone of another expo, or a pair that already has a request.

Factors, each a strength between 0 and 1 multiplied by its weight:

- ``sector``: a cluster both chose (1), else a sector both chose, a cluster's sector included (0.6);
- ``products``: product keywords and product names in common, English or Urdu (a term both listed
  counts 1, a word of a term 0.4, up to 1); case, spacing and simple plurals do not matter, and
  Urdu terms are read through the glossary (``GLOSSARY`` and the sectors' Urdu names);
- ``hs_code``: HS codes sharing 6 digits (1), 4 (0.7) or the 2-digit chapter (0.35);
- ``market``: between a visitor and an exhibitor, the visitor's country among the exhibitor's export
  or target markets (1), else a market both name (0.7), else a foreign visitor (0.3); between two
  exhibitors, a market both name (0.5); Pakistan itself is no export market;
- ``size``: between a visitor and an exhibitor, the visitor's stated volume or ticket size against
  the exhibitor's size class (the same band 1, next band 0.4);
- ``women_led`` and ``micro``: a women-led or micro exhibitor, the preference staff give them.

A pair is suggested only if they share something of substance (a sector, a product or an HS code):
markets, size and the preferences order such pairs, they never make one. The score is the weighted
sum times 100, rounded; ties go to the smaller id (exhibitors before visitors). The reason names the
strongest factor of substance, then the strongest of the others (market, size, preferences) or else
the next of substance: what they share, then why it fits. Reasons are message codes with parameters
(``MESSAGES``), so that the portal renders them in the reader's language.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

VISITOR = "visitor"
EXHIBITOR = "exhibitor"
HOME_COUNTRY = "PK"

# A target's identity: ("e", exhibitor id) for an exhibitor, joined or not; ("p", participant id) for a visitor.
Key = tuple[str, int]


def gettext_noop(message: str) -> str:
    """Marks a message for the portal's translation files; this pure code keeps it in English."""
    return message


@dataclass(frozen=True)
class Name:
    """A name in English and, if it has one, in Urdu."""

    en: str
    ur: str = ""


@dataclass(frozen=True)
class Profile:
    """What one exhibitor or visitor offers or seeks. ``participant`` is None for an exhibitor that has not
    joined matchmaking: it can be suggested to others but gets no suggestions of its own."""

    key: Key
    kind: str  # VISITOR or EXHIBITOR
    expo: int
    participant: int | None = None
    country: str = ""  # ISO code
    clusters: frozenset[int] = frozenset()
    sectors: frozenset[int] = frozenset()
    keywords: tuple[str, ...] = ()  # as typed: product keywords, product names
    hs_codes: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()  # country codes (or names) they export to, source for or target
    volume: str = ""
    size_class: str = ""  # an exhibitor's: micro, small, medium or large
    women_led: bool = False


@dataclass(frozen=True)
class Weights:
    sector: int = 3
    products: int = 4
    hs_code: int = 4
    market: int = 3
    size: int = 1
    women_led: int = 1
    micro: int = 1


@dataclass(frozen=True)
class Catalogue:
    """Names for the reasons, and how clusters and Urdu terms read."""

    clusters: Mapping[int, Name] = field(default_factory=dict)
    cluster_sector: Mapping[int, int] = field(default_factory=dict)
    sectors: Mapping[int, Name] = field(default_factory=dict)
    synonyms: Mapping[str, str] = field(default_factory=dict)  # any term -> its English term, both as typed


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, object]


@dataclass(frozen=True)
class Suggestion:
    target: Key
    score: int
    reasons: tuple[Reason, ...]


# The templates of the reasons; a parameter that is a ``Name`` is stored as {"en": …, "ur": …}, a
# ``country`` as its ISO code: the portal shows both in the reader's language.
MESSAGES: Mapping[str, str] = {
    "cluster_same": gettext_noop("you are both in %(cluster)s"),
    "cluster_theirs": gettext_noop("they are in %(cluster)s"),
    "cluster_sourced": gettext_noop("they source from %(cluster)s"),
    "sector_same": gettext_noop("you both work in %(sector)s"),
    "sector_theirs": gettext_noop("they work in %(sector)s"),
    "sector_sourced": gettext_noop("they source %(sector)s"),
    "products": gettext_noop("you both listed %(products)s"),
    "hs_code": gettext_noop("you both listed HS %(code)s"),
    "hs_chapter": gettext_noop("you both trade in HS chapter %(code)s"),
    "exports_to_your_country": gettext_noop("they export to %(country)s"),
    "exports_to_your_market": gettext_noop("they export to %(country)s, one of your markets"),
    "imports_to_your_market": gettext_noop("they import to %(country)s"),
    "sources_for_your_market": gettext_noop("they source for %(country)s, one of your markets"),
    "foreign_buyer": gettext_noop("they come from %(country)s"),
    "shared_market": gettext_noop("you both export to %(country)s"),
    "size_fits_volume": gettext_noop("their size suits your volumes"),
    "volume_fits_size": gettext_noop("their volumes suit your size"),
    "women_led": gettext_noop("a women-led enterprise"),
    "micro": gettext_noop("a micro enterprise"),
}

# Common products of the expo's clusters in Urdu, read as their English term.
GLOSSARY: Mapping[str, str] = {
    "جراحی آلات": "surgical instruments",
    "سرجیکل آلات": "surgical instruments",
    "کھیلوں کا سامان": "sports goods",
    "فٹ بال": "football",
    "چمڑا": "leather",
    "چمڑے کی مصنوعات": "leather goods",
    "جوتے": "footwear",
    "کپڑا": "textiles",
    "ٹیکسٹائل": "textiles",
    "ملبوسات": "garments",
    "قالین": "carpets",
    "فرنیچر": "furniture",
    "کٹلری": "cutlery",
    "چاول": "rice",
    "آم": "mangoes",
    "شہد": "honey",
    "کینو": "kinnow",
    "مٹی کے برتن": "pottery",
    "سنگ مرمر": "marble",
    "قیمتی پتھر": "gemstones",
    "دستکاری": "handicrafts",
    "پنکھے": "fans",
    "زرعی آلات": "agricultural machinery",
    "آلات موسیقی": "musical instruments",
    "کانچ کی چوڑیاں": "glass bangles",
}

SECTOR_STRENGTH = {"cluster": 1.0, "sector": 0.6}
HS_STRENGTH = {6: 1.0, 4: 0.7, 2: 0.35}
TERM_STRENGTH, WORD_STRENGTH = 1.0, 0.4
SIZE_BAND = {"micro": 0, "small": 1, "medium": 2, "large": 2}
SIZE_FIT = {0: 1.0, 1: 0.4}
REASONS_SHOWN = 2
# The factors, in the order a tie between two of them is broken when choosing the reasons; those before
# ``MARKET`` are of substance.
PRODUCTS, HS_CODE, SECTOR, MARKET, SIZE, WOMEN_LED, MICRO = range(7)

_SEPARATORS = re.compile(r"[,،;؛\n/|]+")
_NOT_WORD = re.compile(r"[^\w\s]+")
_STOP_WORDS = frozenset(
    {"and", "for", "the", "with", "other", "goods", "products", "items", "all", "kinds", "کا", "کی"}
)
# Variants of Arabic letters typed on Urdu keyboards, read as the Urdu letter.
_URDU_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ة": "ہ"})
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(k|thousand|lakh|lac|m|mn|million|crore|cr|b|bn|billion)?\b", re.I)
_MULTIPLIER = {
    "k": 1e3,
    "thousand": 1e3,
    "lakh": 1e5,
    "lac": 1e5,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "crore": 1e7,
    "cr": 1e7,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}


def _singular(word: str) -> str:
    """A simple English singular: enough to match "instruments" with "instrument", "boxes" with "box"."""
    if not word.isascii() or len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalise(term: str) -> str:
    """A term as compared: Unicode-normalised, case-folded, Urdu letter variants unified, punctuation
    dropped, spaces collapsed, each English word singular."""
    text = unicodedata.normalize("NFKC", term).casefold().translate(_URDU_LETTERS)
    text = _NOT_WORD.sub(" ", text)
    return " ".join(_singular(word) for word in text.split())


def split_terms(text: str) -> list[str]:
    """The terms of a comma-separated list (English or Urdu commas, semicolons, slashes or lines)."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def hs_digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def volume_band(text: str) -> int | None:
    """0, 1 or 2 for a small, middling or large volume or ticket size stated in any currency or unit (the
    largest number named: under 50 thousand, under 5 million, more); None if the text names no number."""
    values = []
    for number, unit in _NUMBER.findall(text):
        try:
            value = float(number.replace(",", ""))
        except ValueError:
            continue
        values.append(value * _MULTIPLIER.get(unit.lower(), 1))
    if not values:
        return None
    top = max(values)
    return 0 if top < 50_000 else 1 if top < 5_000_000 else 2


@dataclass
class _Prepared:
    profile: Profile
    sectors: frozenset[int]
    terms: dict[str, str]  # normalised English term -> the term as this profile typed it
    words: dict[str, str]  # a word of a term -> the term as typed
    hs: dict[int, dict[str, str]]  # level -> prefix -> the code as typed
    markets: frozenset[str]
    volume: int | None
    size: int | None
    features: set[tuple] = field(default_factory=set)


class _Reader:
    """Reads profiles into what is compared, through the catalogue's glossary."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.synonyms = {normalise(term): normalise(english) for term, english in GLOSSARY.items()}
        for term, english in catalogue.synonyms.items():
            self.synonyms[normalise(term)] = normalise(english)

    def prepare(self, profile: Profile) -> _Prepared:
        sectors = set(profile.sectors)
        sectors.update(self.catalogue.cluster_sector[c] for c in profile.clusters if c in self.catalogue.cluster_sector)
        terms: dict[str, str] = {}
        words: dict[str, str] = {}
        for typed in profile.keywords:
            for term in split_terms(typed):
                key = normalise(term)
                key = self.synonyms.get(key, key)
                if not key:
                    continue
                terms.setdefault(key, term)
                for word in key.split():
                    if len(word) > 2 and word not in _STOP_WORDS:
                        words.setdefault(word, term)
        hs: dict[int, dict[str, str]] = {6: {}, 4: {}, 2: {}}
        for code in profile.hs_codes:
            for typed in split_terms(code):
                digits = hs_digits(typed)
                for level in (6, 4, 2):
                    if len(digits) >= level:
                        hs[level].setdefault(digits[:level], digits[:level])
        markets = set()
        for market in profile.markets:
            for name in split_terms(market):
                value = name.upper() if len(name) == 2 and name.isalpha() else normalise(name)
                if value and value != HOME_COUNTRY:
                    markets.add(value)
        prepared = _Prepared(
            profile=profile,
            sectors=frozenset(sectors),
            terms=terms,
            words=words,
            hs=hs,
            markets=frozenset(markets),
            volume=volume_band(profile.volume) if profile.kind == VISITOR else None,
            size=SIZE_BAND.get(profile.size_class) if profile.kind == EXHIBITOR else None,
        )
        prepared.features = (
            {("c", c) for c in profile.clusters}
            | {("s", s) for s in prepared.sectors}
            | {("t", t) for t in terms}
            | {("w", w) for w in words}
            | {("h", prefix) for prefix in hs[2]}
        )
        return prepared


def _hs_code(prefix: str) -> str:
    return f"{prefix[:4]}.{prefix[4:]}" if len(prefix) == 6 else prefix


def _score_pair(
    owner: _Prepared, target: _Prepared, weights: Weights, catalogue: Catalogue
) -> tuple[int, tuple[Reason, ...]] | None:
    """The score and the reasons of suggesting ``target`` to ``owner``; None if they share nothing of substance."""
    o, t = owner.profile, target.profile
    factors: list[tuple[float, int, Reason | None]] = []  # (contribution, factor order, reason)
    direction = (
        "same" if o.kind == t.kind else "theirs" if o.kind == VISITOR else "sourced"
    )  # how the other side relates to a cluster or sector

    shared_clusters = o.clusters & t.clusters
    if shared_clusters:
        cluster = min(shared_clusters)
        name = catalogue.clusters.get(cluster, Name(str(cluster)))
        factors.append(
            (weights.sector * SECTOR_STRENGTH["cluster"], SECTOR, Reason(f"cluster_{direction}", {"cluster": name}))
        )
    else:
        shared_sectors = owner.sectors & target.sectors
        if shared_sectors:
            sector = min(shared_sectors)
            name = catalogue.sectors.get(sector, Name(str(sector)))
            factors.append(
                (weights.sector * SECTOR_STRENGTH["sector"], SECTOR, Reason(f"sector_{direction}", {"sector": name}))
            )

    shared_terms = sorted(owner.terms.keys() & target.terms.keys())
    covered = {word for term in shared_terms for word in term.split()}
    shared_words = sorted((owner.words.keys() & target.words.keys()) - covered)
    if shared_terms or shared_words:
        strength = min(1.0, TERM_STRENGTH * len(shared_terms) + WORD_STRENGTH * len(shared_words))
        named = [owner.terms[term] for term in shared_terms] or [
            # The word as it reads in the owner's own term, when that term is written in the word's language.
            word if owner.words[word].isascii() == word.isascii() else owner.words[word]
            for word in shared_words
        ]
        factors.append((weights.products * strength, PRODUCTS, Reason("products", {"products": ", ".join(named[:2])})))

    for level in (6, 4, 2):
        shared = sorted(owner.hs[level].keys() & target.hs[level].keys())
        if shared:
            code = "hs_chapter" if level == 2 else "hs_code"
            reason = Reason(code, {"code": _hs_code(shared[0])})
            factors.append((weights.hs_code * HS_STRENGTH[level], HS_CODE, reason))
            break

    if sum(contribution for contribution, _order, _reason in factors) <= 0:
        return None

    if o.kind != t.kind:
        visitor, exhibitor = (owner, target) if o.kind == VISITOR else (target, owner)
        country = visitor.profile.country.upper()
        shared_markets = sorted(visitor.markets & exhibitor.markets)
        market: tuple[float, Reason] | None = None
        if country and country != HOME_COUNTRY and country in exhibitor.markets:
            code = "exports_to_your_country" if o.kind == VISITOR else "imports_to_your_market"
            market = (1.0, Reason(code, {"country": country}))
        elif shared_markets:
            code = "exports_to_your_market" if o.kind == VISITOR else "sources_for_your_market"
            market = (0.7, Reason(code, {"country": shared_markets[0]}))
        elif country and country != HOME_COUNTRY and o.kind == EXHIBITOR:
            market = (0.3, Reason("foreign_buyer", {"country": country}))
        elif country and country != HOME_COUNTRY:
            market = (0.3, None)
        if market:
            factors.append((weights.market * market[0], MARKET, market[1]))
        if visitor.volume is not None and exhibitor.size is not None:
            fit = SIZE_FIT.get(abs(visitor.volume - exhibitor.size), 0.0)
            if fit:
                code = "size_fits_volume" if o.kind == VISITOR else "volume_fits_size"
                factors.append((weights.size * fit, SIZE, Reason(code, {})))
    else:
        shared_markets = sorted(owner.markets & target.markets)
        if shared_markets:
            factors.append((weights.market * 0.5, MARKET, Reason("shared_market", {"country": shared_markets[0]})))

    if t.kind == EXHIBITOR:
        if t.women_led:
            factors.append((float(weights.women_led), WOMEN_LED, Reason("women_led", {})))
        if t.size_class == "micro":
            factors.append((float(weights.micro), MICRO, Reason("micro", {})))

    score = round(100 * sum(contribution for contribution, _order, _reason in factors))
    if score <= 0:
        return None
    return score, _reasons(factors)


def _reasons(factors: list[tuple[float, int, Reason | None]]) -> tuple[Reason, ...]:
    """The strongest factor of substance, then the strongest other one, else the next of substance."""
    ranked = sorted((f for f in factors if f[0] > 0 and f[2] is not None), key=lambda f: (-f[0], f[1]))
    substance = [f for f in ranked if f[1] < MARKET]
    others = [f for f in ranked if f[1] >= MARKET]
    chosen = (substance[:1] + others[:1] + substance[1:])[:REASONS_SHOWN]
    return tuple(reason for _c, _o, reason in chosen)


def suggest(
    profiles: Iterable[Profile],
    *,
    weights: Weights,
    catalogue: Catalogue,
    asked: Iterable[tuple[Key, Key]] = (),
    limit: int = 20,
) -> dict[int, list[Suggestion]]:
    """For each profile with a ``participant``, the ``limit`` best others to meet, best first.

    ``asked`` holds the pairs that already have a request, in either order. The result maps each
    participant id to its suggestions (an empty list if none fits); the same input gives the same output.
    """
    reader = _Reader(catalogue)
    prepared = sorted((reader.prepare(p) for p in profiles), key=lambda p: p.profile.key)
    asked_pairs = {frozenset(pair) for pair in asked}
    # Candidates share at least one feature (a cluster, sector, term, word or HS chapter): the index
    # leaves out the many pairs that share nothing, which could never be suggested.
    index: dict[tuple, list[int]] = defaultdict(list)
    for position, item in enumerate(prepared):
        for feature in item.features:
            index[feature].append(position)
    result: dict[int, list[Suggestion]] = {}
    for owner in prepared:
        o = owner.profile
        if o.participant is None:
            continue
        candidates = set()
        for feature in owner.features:
            candidates.update(index[feature])
        found = []
        for position in candidates:
            target = prepared[position]
            t = target.profile
            if t.key == o.key or t.expo != o.expo:
                continue
            if o.kind == VISITOR and t.kind == VISITOR:
                continue  # visitors meet exhibitors, not each other
            if frozenset((o.key, t.key)) in asked_pairs:
                continue
            scored = _score_pair(owner, target, weights, catalogue)
            if scored is not None:
                found.append(Suggestion(target=t.key, score=scored[0], reasons=scored[1]))
        found.sort(key=lambda s: (-s.score, s.target))
        result[o.participant] = found[:limit]
    return result


def reason_params(reason: Reason) -> dict[str, object]:
    """A reason's parameters as JSON: a ``Name`` as {"en": …, "ur": …}."""
    return {
        key: {"en": value.en, "ur": value.ur} if isinstance(value, Name) else value
        for key, value in reason.params.items()
    }
