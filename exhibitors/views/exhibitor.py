"""An exhibitor's own pages: the dashboard, the public profile, products and booth staff.

Every view starts from ``selectors.exhibitor_for_user``: a person who is not a member of the
exhibitor gets a 404, exactly like for an exhibitor that does not exist. Products and booth
staff are then loaded *through* that exhibitor, so another exhibitor's ids are 404s too.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..forms.profile import BoothStaffForm, ExhibitorProductForm, ExhibitorProfileForm
from ..models import BoothStaff, Exhibitor, ExhibitorProduct


def mask_id_number(value: str) -> str:
    """All but the last four characters hidden, so that a list on screen does not expose a CNIC."""
    return "•" * max(len(value) - 4, 0) + value[-4:]


def _exhibitor(request, pk: int) -> Exhibitor:
    return selectors.exhibitor_for_user(request.user, pk)


@login_required
def exhibitor_dashboard(request, pk: int):
    exhibitor = _exhibitor(request, pk)
    completeness, counts = selectors.exhibitor_profile_completeness(exhibitor=exhibitor)
    context = {
        "exhibitor": exhibitor,
        "completeness": completeness,
        "product_count": counts["products"],
        "booth_staff_count": counts["booth_staff"],
        "booth_staff_cap": exhibitor.booth_staff_cap,
        "tab": "dashboard",
    }
    return render(request, "exhibitors/exhibitor/dashboard.html", context)


@login_required
def exhibitor_profile(request, pk: int):
    exhibitor = _exhibitor(request, pk)
    # The form validates a copy: an invalid name must not show up in the page's headings.
    form = ExhibitorProfileForm(request.POST or None, request.FILES or None, instance=copy.copy(exhibitor))
    if request.method == "POST" and form.is_valid():
        try:
            services.exhibitor_update_profile(exhibitor=exhibitor, data=form.cleaned_data)
        except services.NominationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect(exhibitor)
    context = {"exhibitor": exhibitor, "form": form, "tab": "profile"}
    return render(request, "exhibitors/exhibitor/profile.html", context)


@login_required
def exhibitor_products_list(request, pk: int):
    exhibitor = _exhibitor(request, pk)
    context = {"exhibitor": exhibitor, "products": selectors.exhibitor_products(exhibitor=exhibitor), "tab": "products"}
    return render(request, "exhibitors/exhibitor/products.html", context)


def _product_form(request, exhibitor: Exhibitor, product: ExhibitorProduct | None):
    form = ExhibitorProductForm(request.POST or None, request.FILES or None, instance=copy.copy(product))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.exhibitor_product_save(exhibitor=exhibitor, product=product, data=form.cleaned_data)
        except services.NominationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(product)s is saved.") % {"product": saved.name})
            return redirect("exhibitor_products", exhibitor.pk)
    context = {"exhibitor": exhibitor, "product": product, "form": form, "tab": "products"}
    return render(request, "exhibitors/exhibitor/product_form.html", context)


@login_required
def exhibitor_product_add(request, pk: int):
    return _product_form(request, _exhibitor(request, pk), None)


@login_required
def exhibitor_product_edit(request, pk: int, product_pk: int):
    exhibitor = _exhibitor(request, pk)
    return _product_form(request, exhibitor, selectors.exhibitor_product_for(exhibitor=exhibitor, pk=product_pk))


@login_required
@require_http_methods(["GET", "POST"])
def exhibitor_product_delete(request, pk: int, product_pk: int):
    """GET asks for confirmation (works without JavaScript); POST deletes."""
    exhibitor = _exhibitor(request, pk)
    product = selectors.exhibitor_product_for(exhibitor=exhibitor, pk=product_pk)
    if request.method == "POST":
        services.exhibitor_product_delete(product=product)
        messages.success(request, _("%(product)s is deleted.") % {"product": product.name})
        return redirect("exhibitor_products", exhibitor.pk)
    context = {"exhibitor": exhibitor, "product": product, "tab": "products"}
    return render(request, "exhibitors/exhibitor/product_delete.html", context)


@login_required
def exhibitor_staff(request, pk: int):
    exhibitor = _exhibitor(request, pk)
    people = list(selectors.exhibitor_booth_staff(exhibitor=exhibitor))
    for person in people:
        person.masked_id_number = mask_id_number(person.id_number)
    context = {
        "exhibitor": exhibitor,
        "people": people,
        "booth_staff_cap": exhibitor.booth_staff_cap,
        "at_cap": len(people) >= exhibitor.booth_staff_cap,
        "tab": "staff",
    }
    return render(request, "exhibitors/exhibitor/staff.html", context)


def _staff_form(request, exhibitor: Exhibitor, person: BoothStaff | None):
    form = BoothStaffForm(request.POST or None, instance=copy.copy(person))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.booth_staff_save(exhibitor=exhibitor, person=person, data=form.cleaned_data)
        except services.NominationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s is on your booth staff.") % {"name": saved.full_name})
            return redirect("exhibitor_staff", exhibitor.pk)
    context = {
        "exhibitor": exhibitor,
        "person": person,
        "form": form,
        "booth_staff_cap": exhibitor.booth_staff_cap,
        "tab": "staff",
    }
    return render(request, "exhibitors/exhibitor/staff_form.html", context)


@login_required
def exhibitor_staff_add(request, pk: int):
    return _staff_form(request, _exhibitor(request, pk), None)


@login_required
def exhibitor_staff_edit(request, pk: int, person_pk: int):
    exhibitor = _exhibitor(request, pk)
    return _staff_form(request, exhibitor, selectors.booth_staff_member_for(exhibitor=exhibitor, pk=person_pk))


@login_required
@require_http_methods(["GET", "POST"])
def exhibitor_staff_remove(request, pk: int, person_pk: int):
    """GET asks for confirmation; POST removes the person (and so frees a badge)."""
    exhibitor = _exhibitor(request, pk)
    person = selectors.booth_staff_member_for(exhibitor=exhibitor, pk=person_pk)
    if request.method == "POST":
        services.booth_staff_remove(person=person)
        messages.success(request, _("%(name)s is no longer on your booth staff.") % {"name": person.full_name})
        return redirect("exhibitor_staff", exhibitor.pk)
    context = {"exhibitor": exhibitor, "person": person, "tab": "staff"}
    return render(request, "exhibitors/exhibitor/staff_remove.html", context)


urlpatterns = [
    path("exhibitor/<int:pk>/", exhibitor_dashboard, name="exhibitor_dashboard"),
    path("exhibitor/<int:pk>/profile/", exhibitor_profile, name="exhibitor_profile"),
    path("exhibitor/<int:pk>/products/", exhibitor_products_list, name="exhibitor_products"),
    path("exhibitor/<int:pk>/products/add/", exhibitor_product_add, name="exhibitor_product_add"),
    path("exhibitor/<int:pk>/products/<int:product_pk>/", exhibitor_product_edit, name="exhibitor_product_edit"),
    path(
        "exhibitor/<int:pk>/products/<int:product_pk>/delete/",
        exhibitor_product_delete,
        name="exhibitor_product_delete",
    ),
    path("exhibitor/<int:pk>/staff/", exhibitor_staff, name="exhibitor_staff"),
    path("exhibitor/<int:pk>/staff/add/", exhibitor_staff_add, name="exhibitor_staff_add"),
    path("exhibitor/<int:pk>/staff/<int:person_pk>/", exhibitor_staff_edit, name="exhibitor_staff_edit"),
    path("exhibitor/<int:pk>/staff/<int:person_pk>/remove/", exhibitor_staff_remove, name="exhibitor_staff_remove"),
]
