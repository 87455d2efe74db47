"""Create the first admin user once: password from ADMIN_PASSWORD, or generated, printed and
kept in a 0600 file in the state directory until the admin changes it (a failed first start
must not lose it)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from apps.core.stack import ADMIN_PASSWORD_FILE


def password_file() -> Path:
    return Path(settings.STATE_DIR) / ADMIN_PASSWORD_FILE


def password_keep(password: str) -> Path:
    path = password_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(password + "\n")
    os.chmod(path, 0o600)
    return path


class Command(BaseCommand):
    help = "Create the admin user if it does not exist yet."

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        username = settings.ADMIN_USERNAME
        admin = User.objects.filter(username=username).first()
        if admin is not None:
            self.stdout.write(f"Admin user '{username}' exists.")
            self.kept_password_check(admin)
            return
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=None, password=password)
        if os.environ.get("ADMIN_PASSWORD"):
            self.stdout.write(f"Created admin user '{username}' with the password from ADMIN_PASSWORD.")
            return
        path = password_keep(password)
        self.stdout.write(self.style.WARNING(
            f"Created admin user '{username}' with password: {password}\n"
            f"It is kept in {path} (mode 0600) until you change it "
            f"(on the Account page, or manage.py changepassword {username})."))

    def kept_password_check(self, admin) -> None:
        """Say where the kept password is; forget it once the admin has changed it."""
        path = password_file()
        if not path.exists():
            return
        if admin.check_password(path.read_text().strip()):
            self.stdout.write(f"The admin's first password is in {path}.")
        else:
            path.unlink()
            self.stdout.write(f"The admin changed the first password; removed {path}.")
