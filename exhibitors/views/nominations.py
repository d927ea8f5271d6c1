"""Trade body pages: the dashboard of nominations, the multi-step nomination form, private files.

Every view starts from ``core_selectors.trade_body_for_user`` or ``selectors.nomination_for_user``:
a person who is not a member of the trade body gets a 404, exactly like for a nomination that
does not exist. The forms validate, the services write and refuse with a readable message.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from expo import selectors as core_selectors

from .. import selectors, services
from ..forms.nominations import STEP_FORMS, EnterpriseForm, product_formset
from ..models import Nomination

Step = Nomination.Step
FORM_STEPS = [Step.ENTERPRISE, Step.OWNER, Step.PRODUCTS, Step.JUSTIFICATION]


# --- Dashboard ----------------------------------------------------------------------------------


@login_required
def trade_body_dashboard(request, pk: int):
    trade_body = core_selectors.trade_body_for_user(request.user, pk)
    expo = core_selectors.expo_current_for(request)
    nominations = list(selectors.nominations_of_trade_body(trade_body=trade_body, expo=expo))
    quota = services.quota_for(expo=expo, trade_body=trade_body) if expo else 0
    used = services.quota_used(expo=expo, trade_body=trade_body) if expo else 0
    context = {
        "trade_body": trade_body,
        "nominations": nominations,
        "drafts": sum(nomination.status == Nomination.Status.DRAFT for nomination in nominations),
        "quota": quota,
        "quota_used": used,
        "quota_left": max(quota - used, 0),
    }
    return render(request, "exhibitors/trade_body_dashboard.html", context)


# --- The multi-step form ------------------------------------------------------------------------


def _step_context(*, nomination: Nomination | None, step: int, trade_body) -> dict:
    steps_done = nomination.steps_done if nomination else 0
    return {
        "nomination": nomination,
        "trade_body": trade_body,
        "step": step,
        "step_label": Step(step).label,
        "steps": [(number, label) for number, label in Step.choices],
        "steps_done": steps_done,
        "step_count": len(Step.choices),
    }


def _after_save(request, nomination: Nomination, step: int):
    """Where "Save and continue", "Save draft and exit" and "Save and add more products" lead."""
    action = request.POST.get("action", "continue")
    if action == "exit":
        messages.success(
            request,
            _("Draft of %(name)s saved. Continue it any time from your dashboard.") % {"name": nomination},
        )
        return redirect("trade_body_dashboard", nomination.trade_body_id)
    if action == "more" and step == Step.PRODUCTS:
        messages.success(request, _("Products saved. Add more below."))
        return redirect("nomination_step", nomination.pk, step)
    if step < Step.JUSTIFICATION:
        return redirect("nomination_step", nomination.pk, step + 1)
    return redirect("nomination_detail", nomination.pk)


@login_required
@require_http_methods(["GET", "POST"])
def nomination_create(request, trade_body_pk: int):
    """Step 1 of a new nomination: saving it creates the draft."""
    trade_body = core_selectors.trade_body_for_user(request.user, trade_body_pk)
    expo = core_selectors.expo_current_for(request)
    if expo is None:
        messages.error(request, _("No expo edition is open for nominations yet."))
        return redirect(trade_body)
    posted = request.method == "POST"
    form = EnterpriseForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=Nomination(expo=expo, trade_body=trade_body),
    )
    if posted and form.is_valid():
        try:
            nomination = services.nomination_create(
                expo=expo, trade_body=trade_body, user=request.user, data=form.data_for_service()
            )
        except services.NominationError as error:
            form.add_error(None, str(error))
        else:
            return _after_save(request, nomination, Step.ENTERPRISE)
    context = {**_step_context(nomination=None, step=Step.ENTERPRISE, trade_body=trade_body), "form": form}
    return render(request, "exhibitors/nominations/step.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def nomination_step(request, pk: int, step: int):
    """Steps 1 to 4 of a draft. A submitted nomination can no longer be changed."""
    nomination = selectors.nomination_for_user(request.user, pk)
    if step not in STEP_FORMS:
        raise Http404
    posted = request.method == "POST"
    if not posted and not nomination.is_editable:
        messages.info(request, _("This nomination has been submitted and can no longer be changed."))
        return redirect(nomination)
    data, files = (request.POST, request.FILES) if posted else (None, None)
    # The form works on a copy: an invalid form must not change the nomination the page shows.
    form = STEP_FORMS[step](data, files, instance=copy.copy(nomination))
    formset = product_formset(nomination=nomination, data=data, files=files) if step == Step.PRODUCTS else None
    if posted and form.is_valid() and (formset is None or formset.is_valid()):
        try:
            services.nomination_update(
                nomination=nomination,
                step=step,
                data=form.data_for_service(),
                products=formset.product_rows() if formset is not None else None,
            )
        except services.NominationError as error:
            messages.error(request, str(error))
            return redirect(nomination)
        return _after_save(request, nomination, step)
    context = {
        **_step_context(nomination=nomination, step=step, trade_body=nomination.trade_body),
        "form": form,
        "formset": formset,
    }
    return render(request, "exhibitors/nominations/step.html", context)


def _display(nomination: Nomination, name: str) -> str:
    field = Nomination._meta.get_field(name)
    value = getattr(nomination, name)
    if field.choices and value:
        return getattr(nomination, f"get_{name}_display")()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


def _summary(nomination: Nomination) -> list[dict]:
    """What was entered, step by step, as (label, value) pairs for the review page."""
    sections = []
    for step in FORM_STEPS:
        fields = [name for name in STEP_FORMS[step]._meta.fields if name != "certifications"]
        if step == Step.ENTERPRISE:
            fields.insert(fields.index("turnover_band") + 1, "size_class")
        sections.append(
            {
                "step": step,
                "label": Step(step).label,
                "rows": [
                    (Nomination._meta.get_field(name).verbose_name, _display(nomination, name)) for name in fields
                ],
            }
        )
    return sections


@login_required
def nomination_detail(request, pk: int):
    """Step 5: everything entered, what is still missing, and Submit / Withdraw."""
    nomination = selectors.nomination_for_user(request.user, pk)
    missing_by_step: dict[int, list[str]] = {}
    if nomination.is_editable:
        for step, label in services.nomination_missing(nomination):
            missing_by_step.setdefault(step, []).append(label)
    context = {
        **_step_context(nomination=nomination, step=Step.REVIEW, trade_body=nomination.trade_body),
        "sections": _summary(nomination),
        "products": list(nomination.products.all()),
        "certifications": list(nomination.certifications.all()),
        "missing": [(step, Step(step).label, labels) for step, labels in sorted(missing_by_step.items())],
    }
    return render(request, "exhibitors/nominations/detail.html", context)


@login_required
@require_POST
def nomination_submit(request, pk: int):
    nomination = selectors.nomination_for_user(request.user, pk)
    try:
        services.nomination_submit(nomination=nomination, user=request.user)
    except services.NominationError as error:
        messages.error(request, str(error))
        return redirect(nomination)
    messages.success(
        request,
        _("%(name)s is submitted. SMEDA will review it and you will be told of the decision by email.")
        % {"name": nomination},
    )
    return redirect("trade_body_dashboard", nomination.trade_body_id)


@login_required
@require_POST
def nomination_withdraw(request, pk: int):
    nomination = selectors.nomination_for_user(request.user, pk)
    try:
        services.nomination_withdraw(nomination=nomination, user=request.user)
    except services.NominationError as error:
        messages.error(request, str(error))
        return redirect(nomination)
    messages.success(request, _("%(name)s is withdrawn.") % {"name": nomination})
    return redirect("trade_body_dashboard", nomination.trade_body_id)


# --- Private files ------------------------------------------------------------------------------

CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@login_required
def nomination_file(request, pk: int, kind: str, item: int):
    """A logo or product photo of a nomination: private storage, served only to who may see the nomination.

    ``kind`` is ``logo`` or ``logo-thumbnail`` (``item`` 0), or ``photo`` or ``thumbnail`` of the product ``item``.
    """
    nomination = selectors.nomination_for_viewer(request.user, pk)
    if kind in ("logo", "logo-thumbnail") and item == 0:
        stored = nomination.logo if kind == "logo" else nomination.logo_thumbnail
    elif kind in ("photo", "thumbnail"):
        product = nomination.products.filter(pk=item).first()
        if product is None:
            raise Http404
        stored = product.photo if kind == "photo" else product.thumbnail
    else:
        raise Http404
    extension = stored.name.rsplit(".", 1)[-1].lower() if stored and "." in stored.name else ""
    if extension not in CONTENT_TYPES:
        raise Http404
    try:
        handle = stored.storage.open(stored.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=CONTENT_TYPES[extension], filename=f"{kind}.{extension}")
    response["Content-Disposition"] = f'inline; filename="{kind}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


urlpatterns = [
    path("trade-bodies/<int:pk>/", trade_body_dashboard, name="trade_body_dashboard"),
    path("trade-bodies/<int:trade_body_pk>/nominations/new/", nomination_create, name="nomination_create"),
    path("nominations/<int:pk>/", nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/step/<int:step>/", nomination_step, name="nomination_step"),
    path("nominations/<int:pk>/submit/", nomination_submit, name="nomination_submit"),
    path("nominations/<int:pk>/withdraw/", nomination_withdraw, name="nomination_withdraw"),
    path("nominations/<int:pk>/files/<str:kind>/<int:item>/", nomination_file, name="nomination_file"),
]
