"""allauth adapter: accounts come from invitations, never from open sign-up; emails go through the outbox."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from . import selectors, services

# What allauth puts in an email's context that lets whoever reads it sign in, reset a password or confirm an
# address: kept out of the stored copy of the email (see services.email_queue_rendered).
SECRET_CONTEXT_KEYS = ("password_reset_url", "activate_url", "key", "code")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Queue allauth's emails (password reset, verification) in the outbox like every other email, with their
        secret parts hidden in the stored copy and put in only when the email goes out."""
        hidden = {name: str(context[name]) for name in SECRET_CONTEXT_KEYS if context.get(name)}
        markers = {name: services.secret_marker(name) for name in hidden}
        request = context.get("request") or self.request
        message = self.render_mail(
            template_prefix, email, {**context, **markers, "current_site": self._site(request), "email": email}
        )
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
        )
        services.email_queue_rendered(
            to=email,
            template=template_prefix,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            secret_values={markers[name]: value for name, value in hidden.items()},
        )

    @staticmethod
    def _site(request) -> dict:
        """The name and address the emails sign with: the current expo's name, else the portal's."""
        expo = selectors.expo_current_for(request) if request is not None else selectors.expo_current()
        return {
            "name": expo.name if expo else settings.EXPO_SITE_NAME,
            "domain": request.get_host() if request is not None else "",
        }
