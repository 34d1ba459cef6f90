"""Language and formats: Vietnamese by default (dd/mm/yyyy, decimal comma, plain years), and
English on request through Django's set_language view.

The English catalogue may be incomplete, so the English checks look at the language
attribute and the number and date formats (parindex/web/formats/en), not at translations.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)">', page)
    assert match, "the page has no <html lang=…>"
    return match.group(1)


def switch_to(client, language: str, next_url: str = "/") -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_pages_are_in_vietnamese_by_default(login, province):
    client = login("officer_a")

    response = client.get(reverse("home"))

    page = response.content.decode()
    assert html_lang(page) == "vi"
    assert response["Content-Language"] == "vi"
    assert ">Tổng quan</a>" in page
    assert ">Đơn vị của tôi</a>" in page
    assert "Đăng xuất" in page


def test_the_login_page_is_in_vietnamese_for_an_anonymous_visitor(client, province):
    page = client.get(reverse("login")).content.decode()

    assert html_lang(page) == "vi"
    assert "Đăng nhập" in page
    assert "Mật khẩu" in page


def test_dates_are_written_day_month_year(login, province):
    client = login("appraiser")

    period = client.get(reverse("periods:detail", args=[province["period"].pk])).content.decode()
    units = client.get(reverse("units:list")).content.decode()

    assert "01/11/2025 08:00" in period  # self-assessment opens
    assert "10/12/2025 17:00" in period  # and closes
    assert "20/01/2026" in period  # publication planned
    assert "2025-12-10" not in period
    assert "Dec" not in period
    assert "30/06/2025" in units  # the former communes' last day


def test_decimals_have_a_comma_and_years_no_thousands_separator(login, province):
    client = login("officer_a")

    page = client.get(reverse("units:detail", args=[province["unit_a"].pk])).content.decode()

    assert re.search(r">\s*91,50\s*<", page)  # the former commune's index
    assert "9,15/10" in page  # its points out of the maximum, without trailing zeros
    assert "91.50" not in page
    assert ">2024<" in page
    assert "2.024" not in page
    assert "2,024" not in page


def test_a_framework_maximum_with_decimals_is_written_with_a_comma(login, province):
    client = login("appraiser")
    node = province["draft"].nodes.get(code="1.1")
    node.max_points = "2.5"
    node.save()
    province["draft"].class_bands[1]["min_percent"] = 82.5
    province["draft"].save()

    page = client.get(reverse("frameworks:detail", args=[province["draft"].pk])).content.decode()

    assert re.search(r'class="pts num">2,5<', page)  # not "2,5000"
    assert re.search(r'class="pts num">6<', page)
    assert "Khá ≥ 82,5%" in page


def test_switching_to_english_with_the_language_form_changes_the_page_language(login, province):
    client = login("officer_a")
    unit_page = reverse("units:detail", args=[province["unit_a"].pk])

    switch_to(client, "en", unit_page)
    response = client.get(unit_page)

    page = response.content.decode()
    assert html_lang(page) == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert re.search(r">\s*91.50\s*<", page)  # English number format
    assert ">2024<" in page  # years stay plain
    assert '<option value="en" selected>' in page


def test_switching_back_to_vietnamese_restores_the_vietnamese_formats(login, province):
    client = login("officer_a")
    unit_page = reverse("units:detail", args=[province["unit_a"].pk])
    switch_to(client, "en", unit_page)

    switch_to(client, "vi", unit_page)
    page = client.get(unit_page).content.decode()

    assert html_lang(page) == "vi"
    assert re.search(r">\s*91,50\s*<", page)


def test_an_unknown_language_is_ignored(login, province):
    client = login("officer_a")

    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    page = client.get(reverse("home")).content.decode()

    assert html_lang(page) == "vi"


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(login, province):
    """The province's software speaks Vietnamese by default: the browser's Accept-Language is
    ignored, and only the language switcher changes the language (and the number format)."""
    client = login("officer_a")
    unit_page = reverse("units:detail", args=[province["unit_a"].pk])

    english_browser = client.get(unit_page, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    switched = client.get(unit_page).content.decode()

    assert html_lang(english_browser) == "vi"
    assert "91,50" in english_browser
    assert html_lang(switched) == "en"
    assert "91.50" in switched
    assert "91,50" not in switched
