"""allauth adapter: accounts come from invitations, never from open sign-up; emails go through the outbox."""

from allauth.account.adapter import DefaultAccountAdapter

from . import services


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Queue allauth's emails (password reset, verification) in the outbox like every other email."""
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
        )
        services.email_queue_rendered(
            to=email, template=template_prefix, subject=message.subject, body_text=message.body, body_html=html
        )
