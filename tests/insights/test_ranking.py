"""The cluster ranking, alone: ranks per figure, the overall order by mean rank, ties."""

from decimal import Decimal

from insights.ranking import ClusterFigures, rank_clusters


def test_clusters_with_the_same_mean_rank_share_it_in_the_order_of_the_first_figure():
    ranked = rank_clusters(
        [
            ClusterFigures("Leather", (Decimal("500"), Decimal("1.50"))),
            ClusterFigures("Surgical", (Decimal("900"), Decimal("0.50"))),
            ClusterFigures("Rice", (Decimal("100"), Decimal("2.00"))),
        ]
    )

    # The same mean rank: they share the first place, listed by the first figure.
    assert [(c.rank, c.name, c.ranks, c.mean_rank) for c in ranked] == [
        (1, "Surgical", (1, 3), Decimal("2.00")),
        (1, "Leather", (2, 2), Decimal("2.00")),
        (1, "Rice", (3, 1), Decimal("2.00")),
    ]


def test_equal_figures_share_a_rank_and_the_next_one_skips():
    ranked = rank_clusters([ClusterFigures("A", (5,)), ClusterFigures("B", (5,)), ClusterFigures("C", (1,))])

    assert [(c.rank, c.name, c.ranks) for c in ranked] == [(1, "A", (1,)), (1, "B", (1,)), (3, "C", (3,))]


def test_a_cluster_first_on_every_figure_is_first_overall():
    ranked = rank_clusters([ClusterFigures("B", (1, 1)), ClusterFigures("A", (9, 9)), ClusterFigures("C", (5, 0))])

    assert [(c.rank, c.name, c.mean_rank) for c in ranked] == [
        (1, "A", Decimal("1.00")),
        (2, "C", Decimal("2.50")),
        (2, "B", Decimal("2.50")),
    ]


def test_no_cluster_no_rank():
    assert rank_clusters([]) == []
