"""What every page of the site shell needs: the current expo and the user's roles."""

from django.conf import settings

from . import selectors


def site(request) -> dict:
    user = request.user
    venue_pages = selectors.venue_pages_for_user(user)
    return {
        "current_expo": selectors.expo_current_for(request),
        "user_trade_bodies": list(selectors.trade_bodies_for_user(user)) if user.is_authenticated else [],
        "venue_pages": venue_pages,
        # Gate and desk staff open staff pages without being admin users: they are told too.
        "staff_mfa_off": user.is_authenticated
        and (user.is_staff or bool(venue_pages))
        and not settings.EXPO_STAFF_MFA_REQUIRED,
    }
