"""Every figure of the dashboard against the hand-built edition of ``conftest.edition``."""

from decimal import Decimal

from insights.filters import Filters
from insights.selectors import SECTIONS

ALL = Filters()


def tables(key: str, expo, filters: Filters = ALL) -> dict:
    return {table.key: table for table in SECTIONS[key].build(expo, filters)}


def test_exhibitors_by_cluster_sector_province_and_size_with_the_women_led_share(edition):
    found = tables("exhibitors", edition["expo"])

    assert found["exhibitor-figures"].rows == [
        ["Exhibitors", 3],
        ["Women-led exhibitors", 2],
        ["Women-led share (%)", Decimal("66.7")],
        ["Micro enterprises", 1],
        ["Micro share (%)", Decimal("33.3")],
    ]
    assert found["exhibitors-by-cluster"].rows == [
        ["Surgical instruments, Sialkot", 2, 1, Decimal("50.0")],
        ["Textiles, Karachi", 1, 1, Decimal("100.0")],
    ]
    assert found["exhibitors-by-sector"].rows == [
        ["Metal", 2, 1, Decimal("50.0")],
        ["Textiles", 1, 1, Decimal("100.0")],
    ]
    assert found["exhibitors-by-province"].rows == [
        ["Punjab", 2, 1, Decimal("50.0")],
        ["Sindh", 1, 1, Decimal("100.0")],
    ]
    assert found["exhibitors-by-size"].rows == [
        ["Micro", 1, 1, Decimal("100.0")],
        ["Small", 1, 0, Decimal("0.0")],
        ["Medium", 1, 1, Decimal("100.0")],
    ]


def test_the_nomination_funnel_per_trade_body_leaves_drafts_out(edition):
    funnel = tables("exhibitors", edition["expo"])["nomination-funnel"]

    assert funnel.rows == [
        ["Karachi Chamber", 3, 2, 1, Decimal("66.7")],
        ["Sialkot Chamber", 3, 2, 2, Decimal("66.7")],
    ]


def test_filters_narrow_exhibitors_by_cluster_sector_and_province(edition):
    by_cluster = tables("exhibitors", edition["expo"], Filters(cluster=edition["cloth"].pk))
    by_sector = tables("exhibitors", edition["expo"], Filters(sector=edition["metal"].pk))
    by_province = tables("exhibitors", edition["expo"], Filters(province="sindh"))

    assert by_cluster["exhibitors-by-cluster"].rows == [["Textiles, Karachi", 1, 1, Decimal("100.0")]]
    assert by_sector["exhibitors-by-cluster"].rows == [["Surgical instruments, Sialkot", 2, 1, Decimal("50.0")]]
    assert by_province["nomination-funnel"].rows == [["Karachi Chamber", 3, 2, 1, Decimal("66.7")]]


def test_visitors_by_day_hour_category_and_country_and_who_came(edition):
    found = tables("visitors", edition["expo"])
    day1, day2 = edition["expo"].start_date, edition["expo"].start_date.replace(day=edition["expo"].start_date.day + 1)

    assert found["visitor-figures"].rows == [
        ["Registered", 3],
        ["Confirmed", 3],
        ["Waitlisted", 0],
        ["Came (checked in at least once)", 2],
        ["Came, share of registered (%)", Decimal("66.7")],
        ["Check-ins (a person each day)", 3],
    ]
    assert found["visitors-by-day"].rows == [
        [day1.isoformat(), 2, 2, Decimal("100.0")],
        [day2.isoformat(), 2, 1, Decimal("50.0")],
    ]
    assert found["checkins-by-hour"].rows == [["10:00", 2], ["11:00", 1]]
    assert found["visitors-by-category"].rows == [
        ["Corporate buyer or procurement", 1, 1, Decimal("100.0")],
        ["Student", 1, 0, Decimal("0.0")],
        ["Trade visitor", 1, 1, Decimal("100.0")],
    ]
    assert found["visitors-by-country"].rows == [["Pakistan", 2, 1, Decimal("50.0")], ["Kenya", 1, 1, Decimal("100.0")]]
    assert found["visitor-interest-by-cluster"].rows == [
        ["Cutlery, Wazirabad", 3],
        ["Surgical instruments, Sialkot", 1],
    ]


def test_meetings_requested_accepted_scheduled_held_per_cluster(edition):
    found = tables("meetings", edition["expo"])

    assert found["meeting-figures"].rows == [
        ["Requested", 4, Decimal("100.0")],
        ["Accepted", 2, Decimal("50.0")],
        ["Scheduled", 2, Decimal("50.0")],
        ["Held", 1, Decimal("25.0")],
    ]
    assert found["meeting-funnel-by-cluster"].rows == [
        ["Surgical instruments, Sialkot", 3, 2, 2, 1, Decimal("33.3")],
        ["Textiles, Karachi", 1, 0, 0, 0, Decimal("0.0")],
    ]


def test_leads_and_their_value_by_stage_and_cluster_per_currency(edition):
    found = tables("leads", edition["expo"])

    assert found["leads-by-stage"].rows == [
        ["New", 2, Decimal("200000"), Decimal("0")],
        ["In talks", 1, Decimal("0"), Decimal("5000")],
        ["Won: order", 1, Decimal("1000000"), Decimal("0")],
    ]
    assert found["leads-by-cluster"].rows == [
        ["Surgical instruments, Sialkot", 2, Decimal("1000000"), Decimal("5000")],
        ["Textiles, Karachi", 2, Decimal("200000"), Decimal("0")],
    ]


def test_awards_count_candidates_in_the_running_and_published_winners(edition):
    found = tables("awards", edition["expo"])

    assert found["awards-by-category"].rows == [["Woman entrepreneur of the year", 2, 2, 1, 0, 1]]


def test_high_potential_clusters_show_the_figures_behind_the_rank(edition):
    ranked = tables("clusters", edition["expo"])["high-potential-clusters"]

    assert ranked.columns[:6] == ["Rank", "Cluster", "Exhibitors", "Meetings scheduled", "Visitors interested", "Leads"]
    # Surgical: first on rupees (1,000,000), on dollars (5,000) and on meetings per exhibitor (2 / 2 = 1.00).
    assert ranked.rows == [
        [
            1,
            "Surgical instruments, Sialkot",
            2,
            2,
            1,
            2,
            Decimal("1000000"),
            1,
            Decimal("5000"),
            1,
            Decimal("1.00"),
            1,
            Decimal("1.00"),
        ],
        [
            2,
            "Textiles, Karachi",
            1,
            0,
            0,
            2,
            Decimal("200000"),
            2,
            Decimal("0"),
            2,
            Decimal("0.00"),
            2,
            Decimal("2.00"),
        ],
    ]


def test_support_requests_by_kind_province_and_age(edition):
    found = tables("support", edition["expo"])

    assert found["support-by-kind"].rows == [
        ["Certification (ISO, halal, CE …)", 2, 1],
        ["Export readiness", 1, 1],
        ["Access to finance", 1, 1],
    ]
    assert found["support-by-province"].rows == [["Punjab", 3, 2], ["Sindh", 1, 1]]
    assert found["support-by-age"].rows == [
        ["Open 0 to 7 days", 1],
        ["Open 7 to 30 days", 1],
        ["Open 30 to 90 days", 0],
        ["Open 90 days or more", 1],
    ]
    narrowed = tables("support", edition["expo"], Filters(cluster=edition["cloth"].pk))
    assert narrowed["support-by-province"].rows == [["Sindh", 1, 1]]


def test_gaps_put_a_cluster_wanted_with_no_exhibitor_first(edition):
    found = tables("gaps", edition["expo"])
    gaps = found["demand-without-supply"]

    assert found["support-unanswered"].rows == [
        ["Certification (ISO, halal, CE …)", "Punjab", 1],
        ["Export readiness", "Punjab", 1],
        ["Access to finance", "Sindh", 1],
    ]

    # The edition's interest per exhibitor is (4 visitors' + 2 buyers' interests) / 3 exhibitors = 2.00.
    assert gaps.rows == [
        ["Cutlery, Wazirabad", 3, 1, 0, 0, "", "No exhibitor"],
        ["Textiles, Karachi", 0, 1, 1, 1, Decimal("1.00"), ""],
        ["Surgical instruments, Sialkot", 1, 0, 3, 2, Decimal("0.50"), ""],
    ]


def test_edition_over_edition_sets_each_year_beside_the_other(edition):
    rows = tables("editions", edition["expo"])["editions"].rows

    assert rows == [
        ["2030", 1, Decimal("100.0"), Decimal("0.0"), 1, 1, 0, 0, 0, 0, 0],
        ["2031", 3, Decimal("66.7"), Decimal("33.3"), 6, 3, 2, 4, 2, 2, 1],
    ]
