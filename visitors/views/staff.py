"""Staff pages: attendance numbers and their export, badge print batches with progress, the walk-in desk.

Holders of ``visitors.use_registration_desk`` (the Registration desk role, superusers) may open them; everyone
else gets a 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from expo import exports

from .. import access, selectors, services
from ..countries import COUNTRY_NAMES
from ..forms import PrintBatchForm, RegistrationForm
from ..models import BadgeBatch, Category, Registration
from .registration import register_from_form


def _rows(numbers: dict) -> list[list]:
    """The numbers as one table: section, key, registered or confirmed, waitlisted, checked in."""
    categories = dict(Category.choices)
    rows = [["section", "key", "registered", "waitlisted", "checked_in"]]
    for day, counts in numbers["by_day"]:
        rows.append(["day", day.isoformat(), counts["confirmed"], counts["waitlisted"], counts["checked_in"]])
    for row in numbers["by_category"]:
        rows.append(["category", str(categories.get(row["key"], row["key"])), row["registered"], "", row["checked_in"]])
    for row in numbers["by_country"]:
        rows.append(["country", str(COUNTRY_NAMES.get(row["country"], row["country"])), row["n"], "", ""])
    for row in numbers["by_gate"]:
        rows.append(["gate", row["gate__name"], "", "", row["n"]])
    for row in numbers["by_hour"]:
        rows.append(["hour", f"{row['day'].isoformat()} {row['hour']:02d}:00", "", "", row["n"]])
    return rows


@login_required
@require_safe
def numbers(request):
    expo = access.expo_for_registration_desk(request)
    data = selectors.numbers(expo=expo)
    categories = dict(Category.choices)
    for row in data["by_category"]:
        row["label"] = categories.get(row["key"], row["key"])
    for row in data["by_country"]:
        row["label"] = COUNTRY_NAMES.get(row["country"], row["country"])
    context = {"expo": expo, "numbers": data, "conflicts": selectors.conflicts(expo=expo)[:50]}
    return render(request, "visitors/numbers.html", context)


@login_required
@require_safe
def numbers_export(request, fmt: str):
    expo = access.expo_for_registration_desk(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = _rows(selectors.numbers(expo=expo))
    filename = f"attendance-{expo.year}.{fmt}"
    if fmt == "csv":
        return exports.csv_response(rows, filename=filename)
    return exports.xlsx_response([("attendance", rows)], filename=filename)


@login_required
@require_http_methods(["GET", "POST"])
def print_batches(request):
    expo = access.expo_for_registration_desk(request)
    form = PrintBatchForm(request.POST if request.method == "POST" else None, expo=expo)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.badge_batch_create(expo=expo, label=form.label(), badges=form.badges(), user=request.user)
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            return redirect("badge_batch", batch.pk)
    context = {"expo": expo, "form": form, "batches": selectors.batches(expo=expo)[:20]}
    return render(request, "visitors/print_batches.html", context)


@login_required
@require_safe
def badge_batch(request, pk: int):
    expo = access.expo_for_registration_desk(request)
    batch = get_object_or_404(BadgeBatch, expo=expo, pk=pk)
    template = "visitors/includes/batch_progress.html" if request.htmx else "visitors/batch.html"
    return render(request, template, {"expo": expo, "batch": batch})


@login_required
@require_safe
def badge_batch_pdf(request, pk: int):
    expo = access.expo_for_registration_desk(request)
    batch = get_object_or_404(BadgeBatch, expo=expo, pk=pk, status=BadgeBatch.Status.DONE)
    return FileResponse(batch.pdf.open("rb"), content_type="application/pdf", filename=f"badges-{batch.pk}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def desk_register(request):
    """A walk-in registered at the desk; the response is the badge PDF, to print at once."""
    expo = access.expo_for_registration_desk(request)
    form = RegistrationForm(request.POST if request.method == "POST" else None, expo=expo)
    registered = None
    if request.method == "POST" and form.is_valid():
        registered = register_from_form(request, expo=expo, form=form, source=Registration.Source.DESK)
    if registered is not None:
        registration, created = registered
        # Print only a badge the gate will let in, and only for the person just typed in.
        if not created:
            form.add_error(
                "email",
                _("%(email)s is already registered, as %(name)s; the badge was emailed to them again.")
                % {"email": registration.email, "name": registration.full_name},
            )
        elif registration.status != Registration.Status.CONFIRMED:
            form.add_error(
                "days",
                _("The days chosen are full: %(name)s is on the waiting list.") % {"name": registration.full_name},
            )
        else:
            badge = services.badge_render(badge_id=registration.badge.pk)
            return FileResponse(
                badge.pdf.open("rb"), content_type="application/pdf", filename=f"badge-{badge.number}.pdf"
            )
    return render(request, "visitors/desk.html", {"expo": expo, "form": form})


urlpatterns = [
    path("visitors/numbers/", numbers, name="visitor_numbers"),
    path("visitors/numbers.<str:fmt>", numbers_export, name="visitor_numbers_export"),
    path("visitors/print/", print_batches, name="badge_batches"),
    path("visitors/print/<int:pk>/", badge_batch, name="badge_batch"),
    path("visitors/print/<int:pk>/sheet.pdf", badge_batch_pdf, name="badge_batch_pdf"),
    path("visitors/desk/", desk_register, name="desk_register"),
]
