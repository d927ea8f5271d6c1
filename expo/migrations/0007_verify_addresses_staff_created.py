"""Accounts made by staff (in the admin or with createsuperuser) had no verified address, so their owners were
asked to confirm an email they never asked for. Sign-up is closed and invitations record a verified address, so
every user without an address record was made by staff: their address is recorded as verified."""

from django.db import migrations


def verify_addresses(apps, schema_editor):
    User = apps.get_model("expo", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in User.objects.filter(emailaddress__isnull=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("expo", "0006_hide_stored_secret_links"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(verify_addresses, migrations.RunPython.noop)]
