"""parindex's copy of pyxform's type tables (kept so that reading a form does not load
pyxform) still agrees with the installed pyxform."""

from __future__ import annotations

import pytest

from parindex.surveys.xlsform.types import (
    CALCULATED_TYPES,
    CONTROL_ALIASES,
    META_TYPES,
    NAME_PATTERN,
    SELECT_ALIASES,
    TYPE_ALIASES,
    parse_type,
)

aliases = pytest.importorskip("pyxform.aliases")
types = pytest.importorskip("pyxform.question_type_dictionary")
expression = pytest.importorskip("pyxform.parsing.expression")


def test_the_spellings_are_pyxforms() -> None:
    assert aliases.control == CONTROL_ALIASES
    assert set(SELECT_ALIASES) == set(aliases.select)
    assert aliases._type_alias_map == TYPE_ALIASES


def test_every_pyxform_type_is_classified() -> None:
    """A type without a control on the screen is metadata, a calculation or holds nothing;
    one with a control holds an answer (notes excepted, and the background recordings whose
    control is an action, which parindex reads as metadata)."""
    for name, definition in types.QUESTION_TYPE_DICT.items():
        parsed = parse_type(name)
        if definition.get("control", {}).get("tag") is None:
            assert parsed.kind in ("meta", "calculated", "valueless"), name
            assert name not in META_TYPES or parsed.kind == "meta", name
            assert name not in CALCULATED_TYPES or parsed.kind == "calculated", name
        else:
            background = name in ("start-geopoint", "background-audio", "background-geopoint")
            assert parsed.holds_value or "note" in name or background, name
            assert not background or parsed.kind == "meta", name


@pytest.mark.parametrize(
    "name", ["q1", "_1", "FALSE", "tên", "a-b", "a.b", "x:y", "2q", "-a", ".a", "a b", "a/b", ""]
)
def test_a_name_is_valid_exactly_when_pyxform_says_so(name: str) -> None:
    assert bool(NAME_PATTERN.fullmatch(name)) == bool(expression.is_xml_tag(name))
