"""Emails stored before secret links were sealed keep them readable: the links in their bodies are hidden."""

import re

from django.db import migrations

# The pages whose links sign in, accept an invitation, reset a password or manage a registration.
SECRET_LINK = re.compile(
    r"(?:https?://[^\s\"'<>]*)?/(?:invitations|register/manage|accounts/password/reset/key|accounts/confirm-email)/"
    r"[^\s\"'<>]+"
)
HIDDEN = "[hidden link]"


def hide_secret_links(apps, schema_editor):
    OutboundEmail = apps.get_model("expo", "OutboundEmail")
    for email in OutboundEmail.objects.only("pk", "body_text", "body_html").iterator():
        body_text, body_html = SECRET_LINK.sub(HIDDEN, email.body_text), SECRET_LINK.sub(HIDDEN, email.body_html)
        if (body_text, body_html) != (email.body_text, email.body_html):
            OutboundEmail.objects.filter(pk=email.pk).update(body_text=body_text, body_html=body_html)


class Migration(migrations.Migration):
    dependencies = [("expo", "0005_outbound_email_sealed_secrets")]

    operations = [migrations.RunPython(hide_secret_links, migrations.RunPython.noop)]
