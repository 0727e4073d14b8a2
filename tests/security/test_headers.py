"""Issue 8, item 8: "no Content-Security-Policy". Every answer, page or API, carries a policy with
no inline script or style; production adds HSTS and passes `check --deploy`."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "/",
    "/thu-tuc/1.001193/?unit=19774",
    "/accounts/login/",
    "/dang-ky/",
    "/tra-cuu/",
    "/phan-anh/",
    "/phan-anh/ban-do/",
    "/admin/login/",
    "/api/docs/",
]
API = ["/api/v1/units/", "/api/v1/procedures/", "/api/schema/", "/api/v1/dossiers/"]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(directives: dict[str, list[str]]):
    assert directives["default-src"] == ["'self'"]
    for name in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[name], name
        assert "'unsafe-eval'" not in directives[name], name
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"][0] == "'self'"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_content_security_policy_without_inline_scripts(demo, path):
    response = Client().get(path)
    assert response.status_code == 200, path
    assert_strict(policy(response))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", API)
def test_api_answers_have_the_policy_too(demo, path):
    response = Client().get(path)
    assert response.status_code in (200, 401, 403), path
    assert_strict(policy(response))
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_carry_no_inline_script_style_or_event_handler(demo):
    """The policy would block them: every script and style is a file under static/."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    style_attribute = re.compile(r"<[^>]+\sstyle\s*=", re.I)
    inline_style = re.compile(r"<style[\s>]", re.I)
    for path in PAGES:
        body = Client().get(path).content.decode()
        for pattern in (inline_script, handler, style_attribute, inline_style):
            assert not pattern.search(body), f"{path}: {pattern.search(body).group(0)}"
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (inline_script, handler, style_attribute):
            assert not pattern.search(text), f"{template}: {pattern.search(text).group(0)}"


def test_swagger_ui_start_up_script_is_a_javascript_file(demo):
    page = Client().get("/api/docs/").content.decode()
    script = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1)
    answer = Client().get(script.replace("&amp;", "&"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in answer.content.decode()


def _settings_in(module: str, env: dict, code: str) -> str:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": module,
        "SECRET_KEY": "production-test-" + "x" * 60,
        "ALLOWED_HOSTS": "motcua.example.vn",
        "SITE_URL": "https://motcua.example.vn",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_production_sends_hsts_and_the_policy_over_https():
    code = (
        "from django.test import Client; import json;"
        "r = Client(HTTP_HOST='motcua.example.vn').get('/api/docs/', secure=True);"
        "print(json.dumps({k: r[k] for k in ('Strict-Transport-Security',"
        " 'Content-Security-Policy', 'Referrer-Policy', 'X-Content-Type-Options')}))"
    )
    headers = json.loads(_settings_in("portal.settings.production", {}, code).splitlines()[-1])
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_production_requires_a_second_factor_for_the_admin_and_development_does_not():
    code = "from django.conf import settings; print(settings.OTP_REQUIRED_FOR_ADMIN)"
    assert _settings_in("portal.settings.production", {}, code).split()[-1] == "True"
    assert settings.OTP_REQUIRED_FOR_ADMIN is False


def test_the_e_id_provider_and_named_gateways_may_receive_form_answers():
    code = (
        "from django.conf import settings;"
        "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    )
    env = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://id.example.vn/oauth/authorize",
        "CSP_FORM_ACTION": "https://pay.example.vn",
    }
    allowed = _settings_in("portal.settings.base", env, code).split()
    assert allowed == ["'self'", "https://pay.example.vn", "https://id.example.vn"]


def test_production_settings_pass_the_deployment_check():
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **inherited,
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "SECRET_KEY": "production-test-" + "y" * 60,
            "ALLOWED_HOSTS": "motcua.example.vn",
            "SITE_URL": "https://motcua.example.vn",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
