"""Pages carry a Content-Security-Policy; HTTPS=1 makes cookies Secure and turns on HSTS."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_without_inline_scripts(alice_client):
    for url in ("/login/", "/", "/network/", "/designer/"):
        response = alice_client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy
        assert b"<script>" not in response.content, f"{url} has an inline script the policy would block"


def test_the_api_answers_json_without_a_page_policy(alice_client):
    assert "Content-Security-Policy" not in alice_client.get("/api/auth/whoami/")


def _settings_with(**env) -> dict:
    probe = ("import json, django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'flowsite.settings'); "
             "django.setup(); from django.conf import settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
             "('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER')}))")
    out = subprocess.run([sys.executable, "-c", probe], env={**os.environ, **env}, capture_output=True, text=True,
                         check=True, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_https_makes_cookies_secure_and_turns_on_hsts():
    served = _settings_with(HTTPS="1")
    assert served["SESSION_COOKIE_SECURE"] and served["CSRF_COOKIE_SECURE"]
    assert served["SECURE_HSTS_SECONDS"] == 31_536_000
    assert served["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert not _settings_with(HTTPS="0")["SESSION_COOKIE_SECURE"]
