"""The page frame: the main menu fits one line at 1280 px (related pages grouped, eight
entries at most) and opens from a button on a phone (a checkbox and its label, no script);
the ranking's phone layout is tested with the results pages (tests/results/test_pages.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.web.navigation import menu_for, menu_links

MAX_TOP_LEVEL = 8


def nav_html(page: str) -> str:
    return page[page.index('<nav class="nav"') : page.index("</nav>")]


@pytest.mark.parametrize(
    "persona", ["officer_a", "head_a", "appraiser", "council", "leader", "admin"]
)
def test_the_menu_has_few_top_level_entries_and_groups_the_rest(login, province, persona):
    response = login(persona).get(reverse("home"))
    menu = response.context["menu"]
    assert len(menu) <= MAX_TOP_LEVEL
    nav = nav_html(response.content.decode())
    assert nav.count('<details class="navgroup">') == sum(1 for item in menu if item.children)
    # Every group holds two links at least (a group of one is its link) and no URL twice.
    assert all(len(item.children) >= 2 for item in menu if item.children)
    urls = [link.url for link in menu_links(menu)]
    assert len(urls) == len(set(urls))


def test_the_administrator_finds_the_audit_log_in_the_administration_group(login, province):
    menu = login("admin").get(reverse("audit:list")).context["menu"]
    group = next(item for item in menu if item.children and item.label == "Quản trị")
    assert group.active
    assert [link.label for link in group.children] == ["Đơn vị", "Người dùng", "Nhật ký"]
    assert [link.active for link in group.children] == [False, False, True]


def test_a_group_the_user_may_open_one_page_of_is_that_pages_link(province):
    menu = menu_for(province["users"]["appraiser"], "/")
    labels = [item.label for item in menu]
    assert "Thẩm định" in labels
    assert "Đơn vị" in labels
    assert not next(item for item in menu if item.label == "Đơn vị").children


def test_a_phone_opens_the_menu_from_a_button_without_a_script(login, province):
    page = login("officer_a").get(reverse("home")).content.decode()
    assert '<input type="checkbox" id="menu-toggle" class="menu-toggle"' in page
    assert '<label for="menu-toggle" class="menu-button"' in page
    header = page[page.index('<header class="topbar">') : page.index("</header>")]
    assert "<script" not in header
    assert " style=" not in header
    assert "onclick" not in header
    assert '<script src="/static/parindex/app.js" defer></script>' in page
