"""The Content-Security-Policy: every response carries it, and no served page needs what it
refuses (inline scripts, event-handler attributes, inline styles).

Two nets: a scan of every template a browser is served (the PDF templates are not: WeasyPrint
renders them on the server and they keep their <style>), and every page of the permission
matrix fetched as a persona allowed to open it (what templates, filters and Python code put
together). Chromium's own report of violations is tests/browser/test_accessibility_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from .conftest import PERSONAS
from .test_permissions import MATRIX

PACKAGE = Path(__file__).resolve().parents[2] / "parindex"
# Rendered to PDF by WeasyPrint on the server (parindex/results/pdf.py), never served as a page.
SERVER_ONLY = ("results/templates/results/pdf/",)

STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.DOTALL)
HANDLER_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
DATA_SCRIPT = re.compile(r"""type\s*=\s*["']application/(ld\+)?json["']""")
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def inline_code(html: str) -> list[str]:
    """What the policy would refuse in `html`: style and on* attributes, <style> elements and
    <script> elements without a src (JSON data blocks are not run, so they are allowed)."""
    found = [match.group(0)[:80] for match in STYLE_ATTRIBUTE.finditer(html)]
    found += [match.group(0)[:80] for match in HANDLER_ATTRIBUTE.finditer(html)]
    found += [match.group(0) for match in STYLE_ELEMENT.finditer(html)]
    found += [
        match.group(0)
        for match in SCRIPT_TAG.finditer(html)
        if "src=" not in match.group(1) and not DATA_SCRIPT.search(match.group(1))
    ]
    return found


def served_templates() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.glob("*/templates/**/*.html")
        if not any(part in path.as_posix() for part in SERVER_ONLY)
    )


def test_the_scan_finds_what_the_policy_refuses():
    page = (
        '<p style="color:red">x</p><select onchange="go()"></select><style>p{}</style>'
        '<script>alert(1)</script><script src="/static/a.js"></script>'
        '<script type="application/json" id="data">{}</script><a class="onward" href="/">y</a>'
    )
    assert len(inline_code(page)) == 4


def test_the_served_templates_hold_no_inline_script_or_style():
    templates = served_templates()
    assert len(templates) > 100  # the glob found the apps' templates
    offenders = {
        str(path.relative_to(PACKAGE)): found
        for path in templates
        if (found := inline_code(TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}


def test_the_pdf_templates_are_the_only_ones_left_out():
    every = set(PACKAGE.glob("*/templates/**/*.html"))
    left_out = every - set(served_templates())
    assert left_out
    assert all("/templates/results/pdf/" in path.as_posix() for path in left_out)


def test_every_response_carries_the_policy(client, db):
    response = client.get(reverse("login"))
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]


# The administrator, then the others: the first persona the matrix lets open a page fetches it.
ORDER = ["admin", "appraiser", "council", "leader", "officer_a", "head_a", "officer_b"]


@pytest.mark.slow
@pytest.mark.usefixtures("stub_pdf_renderer")
def test_every_page_of_the_matrix_carries_the_policy_and_no_inline_code(login, province):
    checked, offenders = 0, {}
    for url_name, entry in sorted(MATRIX.items()):
        if entry.method != "get" or url_name == "admin:index":  # Django's admin is its own
            continue
        persona = next(
            (who for who in ORDER if who in entry.allowed),
            "anonymous" if "anonymous" in entry.allowed or entry.public else None,
        )
        if persona is None:
            continue
        response = login(persona).get(reverse(url_name, args=entry.args(province)))
        assert "Content-Security-Policy" in response, url_name
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        checked += 1
        if found := inline_code(response.content.decode()):
            offenders[url_name] = found
    assert checked > 50
    assert offenders == {}


def test_personas_cover_the_matrix():
    assert set(ORDER) | {"anonymous"} == set(PERSONAS)
