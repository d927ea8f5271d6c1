"""The filters of the dashboard, read from the URL so that a view can be shared: the edition (by year), a cluster,
a sector and a province. Normalised by ``expo.caching.Params``: the same cleaned query builds the page and its
cache key, and a parameter the dashboard does not read is dropped."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import QueryDict

from expo import caching
from expo.models import Province

PARAMS = caching.Params(
    edition=caching.integer(9999),
    cluster=caching.integer(2**31 - 1),
    sector=caching.integer(2**31 - 1),
    province=caching.choice(Province.values),
)


@dataclass(frozen=True)
class Filters:
    """What the figures are narrowed to besides the edition; ``None``/"" for "all"."""

    cluster: int | None = None
    sector: int | None = None
    province: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> "Filters":
        """From a query already cleaned by ``PARAMS``."""
        return cls(
            cluster=int(query["cluster"]) if "cluster" in query else None,
            sector=int(query["sector"]) if "sector" in query else None,
            province=query.get("province", ""),
        )

    def as_dict(self) -> dict:
        return {"cluster": self.cluster, "sector": self.sector, "province": self.province}

    def q(self, *, cluster: str, province: str | None, sector: str | None = None) -> Q:
        """The condition on a queryset whose cluster id is at ``cluster``, its sector id at ``sector`` (by default
        through the cluster) and its province at ``province`` (``None`` where a row has no province)."""
        condition = Q()
        if self.cluster is not None:
            condition &= Q(**{cluster: self.cluster})
        if self.sector is not None:
            condition &= Q(**{sector or f"{cluster}__sector": self.sector})
        if self.province and province is not None:
            condition &= Q(**{province: self.province})
        return condition

    @property
    def narrowed(self) -> bool:
        return self.cluster is not None or self.sector is not None or bool(self.province)
