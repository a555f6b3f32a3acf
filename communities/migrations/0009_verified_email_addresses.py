"""Accounts made before django-allauth get the verified address allauth's sign-in flows read:
their address was verified by the invitation that created them (or by staff). Accounts that
already have one are left alone, so the migration can run on a database where some exist."""

from django.db import migrations


def record_verified_addresses(apps, schema_editor):
    User = apps.get_model("communities", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user_id=user_id, email=email.lower(), primary=True, verified=True)
         for user_id, email in User.objects.order_by("pk").values_list("pk", "email")
         if user_id not in known and email],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("communities", "0008_questions_and_answers"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(record_verified_addresses, migrations.RunPython.noop),
    ]
