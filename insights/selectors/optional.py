"""The model of SMEDA's support desk (``support.SupportRequest``), or None where this installation has not got it:
its figures are then left out rather than shown empty."""

from django.apps import apps


def support_request_model():
    try:
        return apps.get_model("support", "SupportRequest")
    except LookupError:
        return None
