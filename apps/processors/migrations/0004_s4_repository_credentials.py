"""Move credentials still stored in clear in a repository URL (ssh://, git://, file:// and
scp-like URLs were kept as given) into the encrypted ``gitrepo_secret``; the stored URL
keeps only its redacted form, and so do the tasks that copied it."""

from django.db import migrations

from apps.core.crypto import secret_encrypt
from apps.processors.repositories import repo_has_credentials, repo_redact


def credentials_encrypt(apps, schema_editor):
    Processor = apps.get_model("processors", "Processor")
    Task = apps.get_model("processors", "Task")
    for processor in Processor.objects.all().only("pk", "gitrepo", "gitrepo_secret"):
        url = processor.gitrepo.strip()
        if not repo_has_credentials(url) or repo_redact(url) == url:
            continue  # nothing in clear (a redacted URL's secret is already encrypted)
        processor.gitrepo_secret = secret_encrypt(url)
        processor.gitrepo = repo_redact(url)
        processor.save(update_fields=["gitrepo", "gitrepo_secret"])
    for task in Task.objects.exclude(gitrepo="").only("pk", "gitrepo"):
        if repo_redact(task.gitrepo) != task.gitrepo:
            task.gitrepo = repo_redact(task.gitrepo)
            task.save(update_fields=["gitrepo"])


class Migration(migrations.Migration):
    dependencies = [
        ("processors", "0003_plug_blocked_seconds"),
    ]

    operations = [
        migrations.RunPython(credentials_encrypt, migrations.RunPython.noop),
    ]
