"""Reads of the insights dashboard: each section of the dashboard is a list of ``Table``s built by aggregate queries
(a few grouped queries per section, whatever the number of rows), kept in the cache under a key made by
``expo.caching`` from the section, the edition, the cleaned filters, the language and the insights version."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import QueryDict
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from expo import caching
from expo.models import Expo

from ..filters import Filters
from ..tables import Table
from .awards import award_tables
from .clusters import gap_tables, high_potential_tables
from .editions import edition_tables
from .exhibitors import exhibitor_tables
from .leads import lead_tables
from .meetings import meeting_tables
from .support import support_tables
from .visitors import visitor_tables

# The version in the key of every cached figure. The figures read every app's data, which changes too often to
# follow version by version: an entry simply expires after ``caching.TIMEOUT``, so a figure is at most that old.
VERSION_KEY = "insights:version"


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    build: Callable[[Expo, Filters], list[Table]]


SECTIONS = {
    section.key: section
    for section in (
        Section("exhibitors", _("Exhibitors"), exhibitor_tables),
        Section("visitors", _("Visitors"), visitor_tables),
        Section("meetings", _("B2B meetings"), meeting_tables),
        Section("leads", _("Leads"), lead_tables),
        Section("support", _("Support requests"), support_tables),
        Section("awards", _("Awards"), award_tables),
        Section("clusters", _("High-potential clusters"), high_potential_tables),
        Section("gaps", _("Gaps"), gap_tables),
        Section("editions", _("Edition over edition"), edition_tables),
    )
}


def section_tables(*, key: str, expo: Expo, query: QueryDict) -> list[Table]:
    """The tables of section ``key`` for ``expo`` and the filters of ``query`` (cleaned by ``filters.PARAMS``)."""
    cache_key = caching.page_key(
        path=f"insights/{key}/{expo.pk}",
        query=query,
        versions=[VERSION_KEY],
        language=translation.get_language() or "",
        variant="tables",
    )
    tables = cache.get(cache_key)
    if tables is None:
        tables = SECTIONS[key].build(expo, Filters.from_query(query))
        cache.set(cache_key, tables, caching.TIMEOUT)
    return tables
