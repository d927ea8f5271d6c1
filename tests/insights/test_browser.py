"""In a real browser: a manager signs in with an authenticator, opens the insights dashboard, sees each chart drawn
beside its table with no script or Content-Security-Policy error, narrows the view to a province by the filters
(the URL then holds them, to share), and has the edition report made, following its progress to the download."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from expo import roles
from tests.conftest import staff_groups_ensure, totp_code, with_totp
from tests.e2e.conftest import console  # noqa: F401 - the fixture collecting browser errors, shared
from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_manager_reads_the_charts_filters_the_view_and_downloads_the_report(page, live_server, request):
    errors = request.getfixturevalue("console")
    staff_groups_ensure()
    request.getfixturevalue("edition")
    manager = with_totp(UserFactory())
    manager.groups.add(Group.objects.get(name=roles.MANAGEMENT))

    page.goto(f"{live_server.url}/accounts/login/?next=/insights/")
    page.fill("input[name=login]", manager.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.fill("input[name=code]", totp_code(manager))
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_test_id("exhibitors-by-cluster")).to_contain_text("Surgical instruments, Sialkot")
    # The chart scripts are deferred: the tables may show before they run. Every chart gets drawn, or this times out.
    page.wait_for_function(
        "() => window.Chart"
        " && [...document.querySelectorAll('canvas[data-chart]')].every((c) => window.Chart.getChart(c))"
    )
    assert page.locator("canvas[data-chart]").count() > 0

    page.get_by_test_id("filters").get_by_label("Province").select_option("sindh")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("exhibitors-by-cluster")).not_to_contain_text("Surgical")
    assert "province=sindh" in page.url
    page.get_by_role("link", name="Gaps").click()
    expect(page.get_by_test_id("demand-without-supply")).to_be_visible()
    assert "province=sindh" in page.url

    page.get_by_role("button", name="Make the edition report (PDF)").click()
    expect(page.get_by_test_id("report-download")).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_test_id("report-download").click()
    assert download.value.suggested_filename.startswith("edition-report-2031-")
    assert errors == []
