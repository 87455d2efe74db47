"""One privilege row per right. A migration that adds rights calls the same function."""

from django.db import migrations


def seed(apps, schema_editor):
    from apps.accounts.rights import ALL_RIGHTS

    Privilege = apps.get_model("accounts", "Privilege")
    existing = set(Privilege.objects.values_list("right", flat=True))
    Privilege.objects.bulk_create(
        [Privilege(name=right, right=right) for right in ALL_RIGHTS if right not in existing]
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
