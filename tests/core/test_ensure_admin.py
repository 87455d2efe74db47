import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_creates_the_admin_once_with_the_configured_password(monkeypatch, capsys):
    monkeypatch.setenv("ADMIN_PASSWORD", "s3cret-admin-pass")
    call_command("ensure_admin")
    call_command("ensure_admin")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("s3cret-admin-pass")
    out = capsys.readouterr().out
    assert "s3cret-admin-pass" not in out
    assert "exists" in out


def test_it_generates_and_prints_a_password_when_none_is_configured(monkeypatch, capsys):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    call_command("ensure_admin")
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_a_generated_password_is_kept_in_a_private_file_until_the_admin_changes_it(monkeypatch, capsys,
                                                                                     settings, tmp_path):
    """A first start that fails after setup must not lose the only copy of the password."""
    settings.STATE_DIR = tmp_path
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    call_command("ensure_admin")
    kept = tmp_path / "admin-password"
    password = kept.read_text().strip()
    assert (kept.stat().st_mode & 0o777) == 0o600
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password(password)
    capsys.readouterr()

    call_command("ensure_admin")  # a re-run after a failed start says where it is
    assert str(kept) in capsys.readouterr().out and kept.exists()

    admin.set_password("a-new-long-passphrase")
    admin.save()
    call_command("ensure_admin")
    assert not kept.exists()
    assert "changed" in capsys.readouterr().out
