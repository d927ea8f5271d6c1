"""Who may open the insights dashboard, its exports and its reports: holders of ``insights.view_insights`` (the
Management role by migration, and superusers) who have set up staff MFA. Every view is wrapped in
``expo.staff.staff_page(VIEW_INSIGHTS)``: anyone else gets a 404, like a missing page."""

from django.http import Http404, QueryDict

from expo.models import Expo
from expo.selectors import expo_current_for

VIEW_INSIGHTS = "insights.view_insights"


def expo_for_insights(request, query: QueryDict) -> Expo:
    """The edition the (cleaned) ``query`` names by year, else the current one, else the latest; 404 if none."""
    if "edition" in query:
        expo = Expo.objects.filter(year=int(query["edition"])).first()
    else:
        expo = expo_current_for(request) or Expo.objects.order_by("-year").first()
    if expo is None:
        raise Http404
    return expo
