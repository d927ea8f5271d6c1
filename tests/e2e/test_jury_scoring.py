"""On the show floor in a real browser at a phone's size: a juror opens the link of a candidate's stall sign, signs in
with an authenticator, is told next to the field that a top score needs a comment, scores and submits; a juror with
a declared conflict opening the same link gets a 404."""

import pytest
from playwright.sync_api import expect

from awards import jury
from tests.awards.jury import assign, juror_with_account, round_with_rubric
from tests.conftest import totp_code
from tests.factories import PASSWORD, AwardCandidateFactory, AwardCategoryFactory, ExhibitorFactory, ExpoFactory


def _sign_in(page, user) -> None:
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.fill("input[name=code]", totp_code(user))
    page.get_by_role("button", name="Sign In").click()


@pytest.mark.django_db(transaction=True)
def test_juror_scans_a_stall_sign_and_scores_on_a_phone(page, live_server):
    from awards.models import ScoreSheet

    expo = ExpoFactory()
    category = AwardCategoryFactory(expo=expo, name="Export excellence")
    round = round_with_rubric(category)
    candidate = AwardCandidateFactory(
        category=category, exhibitor=ExhibitorFactory(nomination__expo=expo, name="Sialkot Surgical Works")
    )
    juror = juror_with_account(expo, round=round)
    assign(juror, candidate, round)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"/awards/jury/candidates/{candidate.pk}/")
    _sign_in(page, juror.user)

    expect(page.get_by_test_id("candidate-name")).to_have_text("Sialkot Surgical Works")
    criteria = page.get_by_test_id("criterion")
    expect(criteria).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    criteria.nth(0).get_by_label("Score").select_option("10")
    criteria.nth(1).get_by_label("Score").select_option("6")
    page.get_by_role("button", name="Submit").click()
    expect(criteria.nth(0).locator(".invalid-feedback")).to_contain_text("A score of 10 needs a comment saying why.")
    criteria.nth(0).get_by_label("Comment").fill("Exports to 40 countries.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_test_id("submitted")).to_be_visible()
    assert ScoreSheet.objects.get().status == "submitted"

    other = juror_with_account(expo, round=round)
    assign(other, candidate, round)
    jury.conflict_declare(juror=other, candidate=candidate, reason="I advise its owners.", by=other.user)
    page.context.clear_cookies()
    page.goto(f"/awards/jury/candidates/{candidate.pk}/")
    link = f"/awards/jury/candidates/{candidate.pk}/"
    with page.expect_response(lambda r: r.url.endswith(link) and r.status != 302) as answer:
        _sign_in(page, other.user)
    assert answer.value.status == 404
    expect(page.get_by_text("Sialkot Surgical Works")).to_have_count(0)
