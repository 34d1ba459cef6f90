"""Unit names found without diacritics: "ha giang" finds "Hà Giang", the same on SQLite and
PostgreSQL (the database tests run on both). The folding table is one (parindex.common.text):
Python folds the query, the database folds the column with the same characters."""

from __future__ import annotations

import unicodedata

import pytest

from parindex.common.text import fold, fold_column
from parindex.units.models import Unit, UnitType
from parindex.units.search import Folded, name_search

NAMES = [
    "Hà Giang",
    "Xã Đông Sơn",
    "Phường Ứng Hòa",
    "Hải Dương",
    "Xã Thạnh Phước",
    "ĐẶC KHU CÔN ĐẢO",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Xã Giang Hà",
]
DECOMPOSED = unicodedata.normalize("NFD", "Phường Đức Lộc")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hà Giang", "ha giang"),
        ("ĐÔNG SƠN", "dong son"),
        ("Phường Ứng Hòa", "phuong ung hoa"),
        ("Xã Thạnh Phước", "xa thanh phuoc"),
        ("  đặc   khu ", "dac khu"),
        (unicodedata.normalize("NFD", "Hà Giang"), "ha giang"),  # typed in decomposed form
        ("Sở Văn hóa, Thể thao", "so van hoa, the thao"),
    ],
)
def test_fold_removes_diacritics_reads_d_bar_as_d_and_lower_cases(text, folded):
    assert fold(text) == folded


@pytest.fixture
def units(db):
    kind = UnitType.objects.create(code="xa", name="Xã", level="commune")
    return {
        name: Unit.objects.create(code=f"U{number:02d}", name=name, unit_type=kind)
        for number, name in enumerate([*NAMES, DECOMPOSED], start=1)
    }


def found(query: str) -> list[str]:
    return sorted(name_search(Unit.objects.all(), query).values_list("name", flat=True))


def test_the_database_folds_every_name_exactly_as_python_does(units):
    rows = dict(Unit.objects.annotate(folded=Folded("name")).values_list("name", "folded"))
    assert rows == {name: fold_column(name) for name in rows}
    assert rows[DECOMPOSED] == "phuong duc loc"
    assert rows["ĐẶC KHU CÔN ĐẢO"] == "dac khu con dao"


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("ha giang", ["Hà Giang", "Xã Giang Hà"]),  # every word, in any order
        ("Hà Giang", ["Hà Giang", "Xã Giang Hà"]),
        ("xa giang", ["Xã Giang Hà"]),
        ("dong son", ["Xã Đông Sơn"]),
        ("ĐÔNG", ["Xã Đông Sơn"]),
        ("ung hoa", ["Phường Ứng Hòa"]),
        ("hoa", ["Phường Ứng Hòa", "Sở Văn hóa, Thể thao và Du lịch"]),
        ("con dao", ["ĐẶC KHU CÔN ĐẢO"]),
        ("duc loc", [DECOMPOSED]),
        ("thanh phuoc", ["Xã Thạnh Phước"]),
        ("hai duong", ["Hải Dương"]),
        ("u03", ["Phường Ứng Hòa"]),  # the unit's code
        ("50%", []),  # LIKE's wildcards are plain text here
        ("", [*NAMES, DECOMPOSED]),
    ],
)
def test_a_search_without_diacritics_finds_the_names_with_them(units, query, names):
    assert found(query) == sorted(names)
