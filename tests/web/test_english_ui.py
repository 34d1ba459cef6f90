"""The English UI shows no Vietnamese: every persona, language switched to English, walks the
pages it may open, and no word of the interface is left in Vietnamese.

What stays Vietnamese is data, in the language it was written in: the texts of the database
rows (unit, framework, node, period, group, survey and user names, decision numbers, evidence
file names, reasons and notes people typed, audit snapshots…) and of the shipped data files
(procedure names, the indicators of Decision 766 and of the other feeds, the import mappings'
names), the values of form fields, elements the templates mark `lang="vi"` (the scoring
engine's explanation sentences, generated in Vietnamese), and the numbers of legal documents
("766/QĐ-TTg"), which are names. The test collects the data from the database and the files
and removes it from the page text, skips the rest, and looks for Vietnamese-only letters in
what is left: the text, and the attributes a user reads or hears (title, aria-label,
placeholder, alt, a button's value).

The province is tests/web/conftest.py's, taken further through the workflow by the services:
commune A appraised (with evidence, an appraiser's note and notifications), commune B asked
for an explanation; the permission matrix's builders add a survey with a response and an
invitation, imported service data and its import job. Those are made as an English user
would make them (a job's title and progress are written in its requester's language); the
workflow's notifications are made in Vietnamese and must read in English all the same.
"""

from __future__ import annotations

import base64
import csv
import datetime
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

import parindex
from parindex.assessments.models import Notification
from parindex.assessments.services.explanations import explanation_request
from parindex.assessments.services.transitions import assessment_transition
from parindex.jobs.models import Job
from tests.assessments.helpers import fill_and_submit, fresh, open_deadlines, to_appraised

from .test_permissions import MATRIX
from .test_translations import switch_to_english

pytestmark = pytest.mark.usefixtures("stub_pdf_renderer")

# Letters found in Vietnamese and not in English: ă â đ ê ô ơ ư and the vowels with a tone.
VIETNAMESE_LETTERS = "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
VIETNAMESE_WORD = re.compile(
    rf"[\w'’-]*[{VIETNAMESE_LETTERS}{VIETNAMESE_LETTERS.upper()}][\w'’-]*", re.IGNORECASE
)
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
BUTTON_INPUTS = {"submit", "button", "reset"}
SKIPPED_ELEMENTS = {"script", "style", "textarea"}
# The number of a legal document is a name in any language: "766/QĐ-TTg", "123/QĐ-UBND".
LEGAL_DOCUMENT = re.compile(r"\b(?:QĐ|NĐ|TT|KH|CT)-[A-ZĐa-z]+\b")
SHIPPED_DATA = Path(parindex.__file__).resolve().parent / "data" / "servicedata"
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}


def has_vietnamese(text: str) -> bool:
    return VIETNAMESE_WORD.search(text) is not None


class VisibleText(HTMLParser):
    """The texts of a page a user reads: text nodes and read attributes, without scripts,
    styles, form values, and elements in another language (`lang="vi"`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.svgs: list[str] = []
        self._skipping: list[str] = []  # the tag names open inside a skipped element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if self._skipping:
            if tag not in VOID_ELEMENTS:
                self._skipping.append(tag)
            return
        if tag in SKIPPED_ELEMENTS or (
            tag != "html" and attributes.get("lang", "").lower().startswith("vi")
        ):
            if tag not in VOID_ELEMENTS:
                self._skipping.append(tag)
            return
        for name in READ_ATTRIBUTES & attributes.keys():
            self.texts.append(attributes[name])
        if tag == "input" and attributes.get("type", "").lower() in BUTTON_INPUTS:
            self.texts.append(attributes.get("value", ""))
        source = attributes.get("src", "")
        if tag == "img" and source.startswith("data:image/svg+xml;base64,"):
            self.svgs.append(base64.b64decode(source.split(",", 1)[1]).decode("utf-8"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._skipping and tag not in VOID_ELEMENTS:
            self._skipping.pop()

    def handle_endtag(self, tag: str) -> None:
        if not self._skipping:
            return
        # Close up to the matching open tag (HTML allows some end tags to be left out).
        if tag in self._skipping:
            while self._skipping and self._skipping.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.texts.append(data)


def visible_texts(page: str) -> list[str]:
    parser = VisibleText()
    parser.feed(page)
    parser.close()
    return [" ".join(text.split()) for text in parser.texts if text.strip()]


def _strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_in(key)
            yield from _strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings_in(item)


# Texts the application writes into rows in the reader's language: these are not data, and
# the test must see them. (The fixture's own job and hand-made notifications are data.)
APPLICATION_TEXT_FIELDS = {
    ("jobs", "job"): {"title", "message", "error"},
    ("assessments", "notification"): {"message", "message_id"},
}


def database_texts() -> list[str]:
    """Every text stored in the database that holds a Vietnamese letter: names, notes, labels,
    snapshots, JSON values. Longest first, so that a name is removed before a part of it."""
    found: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("parindex."):
            continue
        skipped = APPLICATION_TEXT_FIELDS.get(
            (model._meta.app_label, model._meta.model_name), set()
        )
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
            and field.name not in skipped
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*(field.name for field in fields)):
            for value in row:
                for text in _strings_in(value):
                    if has_vietnamese(text):
                        found.add(" ".join(text.split()))
    for job in Job.objects.filter(kind="test"):  # the fixture's hand-made job
        found.add(job.title)
    found.update(Notification.objects.filter(message_id="").values_list("message", flat=True))
    found |= shipped_data_texts()
    pieces = {piece.strip() for text in found for piece in re.split(r"[\n;]", text)}
    return sorted(found | {piece for piece in pieces if piece}, key=len, reverse=True)


def shipped_data_texts() -> set[str]:
    """The texts of the shipped service-data files (CSV cells, YAML values): procedure names,
    units, the indicators of Decision 766 and the other feeds, the mappings' names."""
    found: set[str] = set()
    for path in sorted(SHIPPED_DATA.rglob("*")):
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                found.update(cell for row in csv.reader(handle) for cell in row)
        elif path.suffix in (".yaml", ".yml"):
            found.update(_strings_in(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return {" ".join(text.split()) for text in found if has_vietnamese(text)}


def vietnamese_left(texts: list[str], data: list[str]) -> list[str]:
    left = []
    for text in texts:
        # Data first: a stored name may hold a document number ("… QĐ 876/QĐ-BNV"), and would no
        # longer match once the number is gone.
        for value in data:
            if value in text:
                text = text.replace(value, " ")
        text = LEGAL_DOCUMENT.sub(" ", text)
        left.extend(match.group() for match in VIETNAMESE_WORD.finditer(text))
        if VIETNAMESE_WORD.search(text):
            left.append(f"  in: {text[:160]!r}")
    return left


# --- the province, further along -----------------------------------------------------------


@pytest.fixture
def english_province(province: dict[str, Any]) -> dict[str, Any]:
    """Commune A appraised and finalised, commune B asked to explain 1.2: notifications,
    evidence, audit events and every workflow page with something on it."""
    open_deadlines(province)
    to_appraised(province, "a")
    fill_and_submit(province, "b")
    appraiser = province["users"]["appraiser"]
    assessment_transition(
        actor=appraiser, assessment=fresh(province["assessment_b"]), action="start_appraisal"
    )
    explanation_request(
        actor=appraiser,
        assessment=fresh(province["assessment_b"]),
        questions=[("1.2", "Tỷ lệ lấy từ báo cáo nào?")],
        deadline=timezone.now() + datetime.timedelta(days=5),
        message="Đề nghị bổ sung",
    )
    return province


def pages_of(persona: str, province: dict[str, Any]) -> list[tuple[str, str]]:
    """(URL name, URL) of every page the persona may open with a GET."""
    pages = []
    for name, entry in sorted(MATRIX.items()):
        if entry.method != "get" or name.startswith("admin:") or persona not in entry.allowed:
            continue
        pages.append((name, reverse(name, args=entry.args(province))))
    return pages


PERSONAS_WALKING = ["officer_a", "head_a", "officer_b", "appraiser", "council", "leader", "admin"]


@pytest.mark.parametrize("persona", PERSONAS_WALKING)
def test_the_english_pages_show_no_vietnamese_besides_data(persona, login, english_province):
    client = login(persona)
    switch_to_english(client)
    problems: list[str] = []
    with translation.override("en"):  # as the English user would have made them
        pages = pages_of(persona, english_province)  # builds the objects the pages need
    data = database_texts()
    read: set[str] = set()
    for name, url in pages:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        read.add(name)
        page = response.content.decode()
        assert '<html lang="en">' in page or "<html" not in page, f"{url} is not in English"
        left = vietnamese_left(visible_texts(page), data)
        if left:
            problems.append(f"{name} ({url}):\n    " + "\n    ".join(dict.fromkeys(left)))

    assert not problems, f"{persona} sees Vietnamese on English pages:\n" + "\n".join(problems)
    everyone = {"home", "results:index", "frameworks:list", "periods:list", "dossiers:dashboard"}
    assert everyone | {"assessments:notifications"} <= read
    assert persona != "admin" or read >= MAIN_PAGES


# The pages the walk must reach (the permission matrix gives it every page; these are the ones
# a user of each role spends the day on).
MAIN_PAGES = {
    "home",
    "assessments:self",
    "assessments:queue",
    "assessments:appraise",
    "assessments:council",
    "assessments:publication",
    "assessments:notifications",
    "results:index",
    "results:group",
    "results:scorecard",
    "periods:list",
    "frameworks:list",
    "questionnaires:list",
    "questionnaires:detail",
    "dossiers:dashboard",
    "units:list",
    "accounts:list",
    "audit:list",
    "jobs:detail",
}


def test_the_walk_reaches_the_main_pages():
    walked = {
        name
        for name, entry in MATRIX.items()
        if entry.method == "get" and set(PERSONAS_WALKING) & entry.allowed
    }

    assert not MAIN_PAGES - walked


# --- texts of the pure packages translated in the Django layer ----------------------------------


def test_every_fixed_text_of_the_scoring_rules_is_listed_for_translation():
    from decimal import Decimal

    from parindex.criteria.labels import ENGINE_TEXTS
    from parindex.engine import RULES, make_rule

    params = {
        "choice": {"options": [{"key": "a", "label": "A", "points": 1}]},
        "ratio": {"full_at_percent": 90},
        "bands": {"thresholds": [{"min_percent": 50, "points": 1}]},
        "deduction": {"per_occurrence": 1},
    }
    texts = set()
    for name, rule_class in RULES.items():
        texts.add(rule_class.description)
        rule = make_rule(name, params.get(name, {}), Decimal(2))
        for field in rule.fields():
            texts.add(field.label)
            if name == "boolean":
                texts.update(label for _key, label in field.options)

    assert texts <= ENGINE_TEXTS, sorted(texts - ENGINE_TEXTS)


def test_every_count_and_rate_name_of_the_service_data_is_listed_for_translation():
    from parindex.dossiers.labels import SERVICEDATA_TEXTS
    from parindex.servicedata.indicators import COUNT_LABELS, RATES

    names = set(COUNT_LABELS.values()) | {rate.label for rate in RATES}

    assert names <= SERVICEDATA_TEXTS, sorted(names - SERVICEDATA_TEXTS)


def test_the_survey_integrity_rules_have_a_translated_title_each():
    from parindex.questionnaires.selectors import RULE_TITLES
    from parindex.surveys import integrity

    assert list(RULE_TITLES) == list(integrity.RULE_TITLES)
    with translation.override("vi"):
        assert {code: str(title) for code, title in RULE_TITLES.items()} == integrity.RULE_TITLES


def test_service_data_periods_are_named_in_the_page_language():
    from parindex.dossiers.labels import period_label, snapshot_period_label
    from parindex.servicedata import Period

    month = Period(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31), "month")
    quarter = Period(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30), "quarter")
    year = Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), "year")

    with translation.override("vi"):
        assert [period_label(p) for p in (month, quarter, year)] == [
            p.label for p in (month, quarter, year)
        ]
    with translation.override("en"):
        assert [period_label(p) for p in (month, quarter, year)] == [
            "Month 03/2025",
            "Quarter II/2025",
            "Year 2025",
        ]
        assert snapshot_period_label({"code": "2025-Q2", "label": "Quý II/2025"}) == (
            "Quarter II/2025"
        )


def test_charts_are_drawn_in_the_page_language_and_cached_per_language():
    from decimal import Decimal

    from parindex.engine import ClassBand
    from parindex.results import charts

    bars = [("1. Xã An Bình", Decimal("91.5"), "Tốt"), ("2. Xã Bình Minh", Decimal("70"), "Khá")]
    bands = [ClassBand("Tốt", Decimal(90)), ClassBand("Khá", Decimal(0))]

    with translation.override("vi"):
        vietnamese = charts.ranking_chart(bars, bands, text=True)
    with translation.override("en"):
        english = charts.ranking_chart(bars, bands, text=True)
        radar = charts.area_chart(
            ["Lĩnh vực 1", "Lĩnh vực 2", "Lĩnh vực 3"],
            [Decimal(80), None, Decimal(60)],
            [Decimal(70), Decimal(50), Decimal(65)],
            unit_label="Xã An Bình",
            text=True,
        )

    assert "Chỉ số (%)" in vietnamese
    assert "Index (%)" in english
    assert "Class" in english
    assert "Group average" in radar
    assert "(no data)" in radar
    words = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", english + radar))
    data = ["Xã An Bình", "Xã Bình Minh", "Tốt", "Khá", "Lĩnh vực"]
    assert vietnamese_left([words], data) == []
