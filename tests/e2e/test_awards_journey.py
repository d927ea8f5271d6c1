"""Flow 5 end to end in a real browser with a real Celery worker: the awards secretariat opens a category with its
final round and rubric in the admin; a trade body puts an exhibitor forward from its dashboard; the secretariat has
the portal look for conflicts, and one of the two assigned jurors (a member of the candidate's trade body) is
flagged; the other juror scores, while the flagged one finds the candidate gone (a 404 on its stall-sign link and
its scoring page, and a score posted anyway refused); the secretariat closes the round, approves and publishes the
winner; the public awards page shows it, the worker emails the certificate PDF to the exhibitor's member, and the
verification link in the email opens the certificate."""

import re

import pytest
from playwright.sync_api import expect

from awards.models import Assignment, Candidate, Category, ConflictFlag, Result, Round, ScoreSheet
from expo import roles
from tests.awards.conftest import pdf_bytes
from tests.awards.jury import assign, juror_with_account
from tests.conftest import staff_member, totp_code
from tests.e2e.test_visitor_registration_to_gate import wait_for_email
from tests.factories import (
    PASSWORD,
    ExhibitorFactory,
    ExhibitorMembershipFactory,
    ExpoFactory,
    MembershipFactory,
    TradeBodyFactory,
)

MEMBER = "export@sialkot-surgical.example.pk"


def _sign_in(page, user, *, code: bool) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    if code:
        page.fill("input[name=code]", totp_code(user))
        page.get_by_role("button", name="Sign In").click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def _admin_action(page, changelist: str, pk: int, action: str) -> None:
    """Run the admin action ``action`` on the row ``pk`` of ``changelist``."""
    page.goto(changelist)
    page.locator(f"input[name=_selected_action][value='{pk}']").check()
    page.select_option("select[name=action]", action)
    page.get_by_role("button", name="Go").click()


def _open_category(page, expo) -> Round:
    """The secretariat adds the category with a final round, then the round's rubric of two weighted criteria."""
    page.goto("/admin/awards/category/add/")
    page.select_option("#id_expo", str(expo.pk))
    page.fill("#id_name", "Export excellence")
    page.fill("#id_name_ur", "برآمدات میں عمدگی")
    page.fill("#id_description", "For the SME whose exports grew the most in new markets.")
    page.locator("#rounds-group .add-row a").click()
    page.select_option("#id_rounds-0-kind", "final")
    page.fill("#id_rounds-0-jurors_per_candidate", "2")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    round = Round.objects.get(category__name="Export excellence")
    assert round.kind == "final"

    page.goto(f"/admin/awards/round/{round.pk}/change/")
    for index, (name, weight, top) in enumerate(
        [("Growth", "3", "Sales more than doubled in two years."), ("Quality", "1", "Audited by foreign buyers.")]
    ):
        page.locator("#criteria-group .add-row a").click()
        page.fill(f"#id_criteria-{index}-name", name)
        page.fill(f"#id_criteria-{index}-weight", weight)
        page.fill(f"#id_criteria-{index}-order", str(index))
        page.fill(f"#id_criteria-{index}-band_1_2", "None to speak of.")
        page.fill(f"#id_criteria-{index}-band_9_10", top)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert list(round.criteria.values_list("name", "weight")) == [("Growth", 3), ("Quality", 1)]
    return round


def _put_forward(page, trade_body, exhibitor) -> Candidate:
    """A member of the trade body puts its exhibitor forward from the dashboard, with a PDF of evidence."""
    page.goto(f"/trade-bodies/{trade_body.pk}/")
    page.get_by_test_id("awards-link").click()
    page.get_by_test_id("put-forward").click()
    page.select_option("#id_exhibitor", str(exhibitor.pk))
    page.select_option("#id_category", label="Export excellence")
    page.fill("#id_statement", "CE-marked instruments, exports to twelve countries, the Gulf added this year.")
    page.set_input_files(
        "#id_evidence", {"name": "exports-2025.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="Put forward").click()
    expect(page.locator(".alert-success")).to_contain_text("is put forward for Export excellence")
    expect(page.get_by_test_id("eligibility")).to_have_text("Eligible")
    expect(page.get_by_test_id("evidence")).to_contain_text("exports-2025.pdf")
    candidate = Candidate.objects.get()
    assert (candidate.route, candidate.trade_body_id) == ("trade_body", trade_body.pk)
    return candidate


def _score(page, candidate) -> None:
    """The juror opens the candidate from their list and submits the rubric; a top score needs its comment."""
    page.goto("/awards/jury/")
    page.get_by_test_id("jury-candidate").get_by_role("link", name="Sialkot Surgical Works").click()
    criteria = page.get_by_test_id("criterion")
    expect(criteria).to_have_count(2)
    expect(criteria.nth(0).get_by_test_id("bands")).to_contain_text("Sales more than doubled in two years.")
    criteria.nth(0).get_by_label("Score").select_option("9")
    criteria.nth(0).get_by_label("Comment").fill("Exports doubled; the Gulf is new this year.")
    criteria.nth(1).get_by_label("Score").select_option("7")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_test_id("submitted")).to_be_visible()


def _refused(page, juror, candidate, round) -> None:
    """The flagged juror sees no candidate, and the stall-sign link, the scoring page and a posted score are 404s."""
    page.goto("/awards/jury/")
    expect(page.get_by_test_id("no-candidates")).to_be_visible()
    assert page.goto(f"/awards/jury/candidates/{candidate.pk}/").status == 404
    scoring = f"/awards/jury/rounds/{round.pk}/candidates/{candidate.pk}/"
    assert page.goto(scoring).status == 404
    expect(page.get_by_text("Sialkot Surgical Works")).to_have_count(0)
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    criteria = {f"score_{c.pk}": "10" for c in round.criteria.all()}
    posted = page.request.post(
        scoring,
        form={**criteria, "submit": "1"},
        headers={"X-CSRFToken": csrf, "Referer": page.url},
    )
    assert posted.status == 404
    assert not ScoreSheet.objects.filter(assignment__juror=juror).exists()


@pytest.mark.django_db(transaction=True)
def test_a_category_is_opened_judged_and_its_winner_certified(browser, page, live_server, celery_worker):
    expo = ExpoFactory()
    chamber = TradeBodyFactory(name="Sialkot Chamber of Commerce and Industry", short_name="SCCI")
    exhibitor = ExhibitorFactory(
        nomination__expo=expo, nomination__trade_body=chamber, name="Sialkot Surgical Works", slug="sialkot-surgical"
    )
    ExhibitorMembershipFactory(exhibitor=exhibitor, user__email=MEMBER)
    nominator = MembershipFactory(trade_body=chamber).user
    secretary = staff_member(roles.AWARDS_SECRETARIAT)

    # The secretariat opens the category in the admin, signed in with its authenticator.
    _sign_in(page, secretary, code=True)
    round = _open_category(page, expo)

    # The trade body puts its exhibitor forward from its dashboard.
    trade_body_page = browser.new_context(base_url=live_server.url).new_page()
    _sign_in(trade_body_page, nominator, code=False)
    candidate = _put_forward(trade_body_page, chamber, exhibitor)
    trade_body_page.context.close()

    # Two jurors of the panel were assigned the candidate; one of them is a member of the candidate's trade body.
    scorer = juror_with_account(expo, round=round, name="Ayesha Malik")
    flagged = juror_with_account(expo, round=round, name="Bilal Chaudhry")
    MembershipFactory(trade_body=chamber, user=flagged.user)
    for juror in (scorer, flagged):
        assign(juror, candidate, round)
    _admin_action(page, "/admin/awards/juror/", flagged.pk, "find_conflicts")
    expect(page.locator(".messagelist")).to_contain_text("1 new conflict flag.")
    flag = ConflictFlag.objects.get()
    assert (flag.juror_id, flag.candidate_id, flag.source) == (flagged.pk, candidate.pk, "trade_body")
    assert Assignment.objects.filter(juror=flagged, candidate=candidate).exists()  # the flag, not a missing row

    # The juror without a conflict scores; the flagged juror is refused.
    for juror in (scorer, flagged):
        juror_page = browser.new_context(base_url=live_server.url).new_page()
        _sign_in(juror_page, juror.user, code=True)
        if juror is scorer:
            _score(juror_page, candidate)
        else:
            _refused(juror_page, juror, candidate, round)
        juror_page.context.close()
    assert ScoreSheet.objects.get().status == "submitted"

    # The secretariat closes the round, approves the winner from the leaderboard and publishes.
    _admin_action(page, "/admin/awards/round/", round.pk, "close_rounds")
    expect(page.locator(".messagelist")).to_contain_text("is closed; its scores are locked.")
    assert ScoreSheet.objects.get().is_locked
    category = Category.objects.get()
    page.goto("/awards/staff/results/")
    results = page.get_by_test_id(f"category-{category.pk}")
    results.get_by_role("button", name="Approve the winners and runners-up").click()
    expect(page.locator(".alert-success")).to_contain_text("The results of Export excellence are approved.")
    expect(results).to_contain_text("Sialkot Surgical Works: Winner")
    results.get_by_role("button", name="Publish this category").click()
    expect(page.locator(".alert-success")).to_contain_text("1 results published")
    result = Result.objects.get()
    assert (result.candidate_id, result.place, result.published_at is not None) == (candidate.pk, "winner", True)

    # The public awards page shows the winner, to anyone.
    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto("/awards/")
    award = public.get_by_test_id("award")
    expect(award.get_by_role("heading")).to_have_text("Export excellence")
    expect(award).to_contain_text("Winner")
    expect(award.get_by_role("link", name="Sialkot Surgical Works")).to_have_attribute(
        "href", "/exhibitors/sialkot-surgical/"
    )

    # The worker makes the certificate and emails it to the exhibitor's member; its link verifies it.
    message = wait_for_email(celery_worker, MEMBER, timeout=90)
    assert "Export excellence" in message["Subject"]
    [pdf] = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"certificate-{result.certificate.number}.pdf"
    assert pdf.get_content().startswith(b"%PDF-")
    body = message.get_body(("plain",)).get_content()
    url = re.search(r"(http://\S+/awards/certificates/\S+/)", body).group(1)
    assert url.startswith(live_server.url)
    public.goto(url)
    expect(public.get_by_test_id("verified")).to_be_visible()
    expect(public.get_by_test_id("certificate")).to_contain_text(result.certificate.number)
    expect(public.get_by_test_id("certificate")).to_contain_text("Sialkot Surgical Works")
