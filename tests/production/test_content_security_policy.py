"""The public pages run under a strict Content-Security-Policy, so they must contain no inline
script, event handler or style attribute; the admin gets a relaxed policy (operations/security.py)."""

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/kommuner/",
    "/kommuner/vaxjo/",
    "/kommuner/trollhattan/",
    "/samarbeten/",
    "/samarbeten/vaxjo-jb-marks/",
    "/projekt/?status=avslutat",
    "/projekt/an-giang-avfallsplanering-och-avfallskommunikation/",
    "/natverk/",
    "/natverk/sern/",
    "/berattelser/",
    "/om/begrepp/",
    "/om/tillganglighet/",
    "/sok/?q=v%C3%A4xj%C3%B6",
    "/finns-inte/",
]
STRICT = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}
# Script types that hold data and are never executed.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


class InlineCodeFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.json_ld_blocks = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in attributes:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
        if tag == "style":
            self.problems.append("<style> block")
        if tag == "script" and "src" not in attributes:
            if (attributes.get("type") or "").strip().lower() in DATA_SCRIPT_TYPES:
                self.json_ld_blocks += 1
            else:
                self.problems.append(f"inline <script type={attributes.get('type')!r}>")


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_strict_policy_and_no_inline_code(client, path):
    response = client.get(path)
    assert response.status_code in {200, 404}
    assert directives(response["Content-Security-Policy"]) == STRICT
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    assert finder.problems == []


def test_json_ld_is_allowed_as_data(client):
    finder = InlineCodeFinder()
    finder.feed(client.get("/samarbeten/vaxjo-jb-marks/").content.decode())
    assert finder.json_ld_blocks >= 1
    assert finder.problems == []


def test_admin_gets_relaxed_policy_for_its_inline_scripts(admin_client):
    policy = directives(admin_client.get("/admin/")["Content-Security-Policy"])
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


def test_other_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_error_pages_have_no_inline_style():
    from django.template import loader

    for name in ["500.html", "503.html"]:
        finder = InlineCodeFinder()
        finder.feed(loader.get_template(name).render())
        assert finder.problems == [], name
