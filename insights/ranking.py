"""Ranking clusters by several figures at once, with the rank on each figure kept to show why.

Pure Python: no Django import. Each criterion ranks the clusters from the highest figure down (equal figures share
a rank, the next rank skipping as in sport); the overall rank orders clusters by the mean of their ranks, then by
the first criterion's figure, then by name, so that the order is the same for the same figures.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

Number = int | Decimal


@dataclass(frozen=True)
class ClusterFigures:
    name: str
    figures: tuple[Number, ...]


@dataclass(frozen=True)
class RankedCluster:
    rank: int
    name: str
    figures: tuple[Number, ...]
    ranks: tuple[int, ...]
    mean_rank: Decimal


def _competition_ranks(values: Sequence[Number]) -> list[int]:
    """1 for the highest value; equal values share the rank, and the next one skips (1, 1, 3)."""
    return [1 + sum(1 for other in values if other > value) for value in values]


def rank_clusters(clusters: Sequence[ClusterFigures]) -> list[RankedCluster]:
    """The clusters in overall order; every cluster must have as many figures as the first."""
    if not clusters:
        return []
    width = len(clusters[0].figures)
    per_criterion = [_competition_ranks([cluster.figures[i] for cluster in clusters]) for i in range(width)]
    rows = []
    for position, cluster in enumerate(clusters):
        ranks = tuple(per_criterion[i][position] for i in range(width))
        mean = (Decimal(sum(ranks)) / Decimal(width)).quantize(Decimal("0.01")) if width else Decimal(0)
        rows.append((mean, cluster, ranks))
    rows.sort(key=lambda row: (row[0], -(row[1].figures[0] if width else 0), row[1].name))
    ranked = []
    for position, (mean, cluster, ranks) in enumerate(rows):
        # Clusters with the same mean rank share the overall rank too.
        rank = ranked[-1].rank if ranked and ranked[-1].mean_rank == mean else position + 1
        ranked.append(RankedCluster(rank, cluster.name, cluster.figures, ranks, mean))
    return ranked
