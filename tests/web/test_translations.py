"""The English catalogue (parindex/locale/en) is complete, well-formed, compiled, and used.

The UI is written in Vietnamese: the msgids are Vietnamese and English comes from
parindex/locale/en/LC_MESSAGES/django.po. When a page gains or rewords a string, `make messages`
adds it to the catalogue with an empty msgstr (or a fuzzy guess) and recompiles; these tests then
name exactly what is left to translate, and where it comes from.

Everything here is plain Python: the .po and .mo files are read directly and the marked strings
are found with Django's own template scanner (the one `makemessages` uses) and `ast`, so the tests
need neither gettext's tools nor polib.
"""

from __future__ import annotations

import ast
import io
import re
import struct
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation.template import templatize

import parindex

PACKAGE_DIR = Path(parindex.__file__).resolve().parent
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
FIX_HINT = (
    "run `make messages`, translate the entries listed, then `make messages` again to compile"
)


# --- Reading the catalogue ---------------------------------------------------------------------


@dataclass
class PoEntry:
    line: int  # where the entry starts in the .po file, for the failure messages
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)  # one string, or one per plural form
    flags: set[str] = field(default_factory=set)
    locations: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def describe(self) -> str:
        where = ", ".join(self.locations) or f"django.po line {self.line}"
        return f"{where}: {self.msgid!r}"


_KEYWORD_LINE = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def _po_string(literal: str) -> str:
    # PO strings use C escapes (\n, \t, \", \\), which Python's string literals share.
    value = ast.literal_eval(literal)
    assert isinstance(value, str)
    return value


def read_po(path: Path) -> tuple[PoEntry, list[PoEntry]]:
    """The header entry and the other entries of a .po file, obsolete ones (#~) included."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    field_name = ""

    def finish() -> None:
        nonlocal current
        if current is not None and (current.msgid or current.msgstr):
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if current is None:
            current = PoEntry(line=number)
        if line.startswith("#~"):
            current.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith("|"):
                continue
        elif line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        elif line.startswith("#:"):
            current.locations.extend(line[2:].split())
            continue
        elif line.startswith("#"):
            continue  # translator and extracted comments, previous msgids (#|)
        match = _KEYWORD_LINE.match(line)
        if match:
            field_name, plural_index, literal = match.group(1), match.group(2), match.group(3)
            value = _po_string(literal)
            if field_name == "msgctxt":
                current.msgctxt = value
            elif field_name == "msgid":
                current.msgid = value
            elif field_name == "msgid_plural":
                current.msgid_plural = value
            else:
                assert plural_index is None or int(plural_index) == len(current.msgstr), (
                    f"django.po line {number}: plural forms out of order"
                )
                current.msgstr.append(value)
        elif line.startswith('"'):
            value = _po_string(line)
            if field_name == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif field_name == "msgid":
                current.msgid += value
            elif field_name == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                current.msgstr[-1] += value
        else:
            raise AssertionError(f"django.po line {number}: cannot read {raw!r}")
    finish()
    headers = [entry for entry in entries if entry.msgid == "" and entry.msgctxt is None]
    assert len(headers) == 1, 'django.po must have exactly one header entry (msgid "")'
    return headers[0], [entry for entry in entries if entry is not headers[0]]


def read_mo(path: Path) -> dict[str, str]:
    """Original → translation, as GNU msgfmt writes them (context and plurals joined by
    \\x04 and \\x00). The format: a magic number, then two tables of (length, offset) pairs."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    assert struct.unpack(f"{order}I", data[:4])[0] == 0x950412DE, "not a .mo file"
    count, originals_at, translations_at = struct.unpack(f"{order}3I", data[8:20])

    def string(table_at: int, index: int) -> str:
        length, offset = struct.unpack(f"{order}2I", data[table_at + 8 * index :][:8])
        return data[offset : offset + length].decode("utf-8")

    return {string(originals_at, i): string(translations_at, i) for i in range(count)}


@pytest.fixture(scope="module")
def catalogue() -> tuple[PoEntry, list[PoEntry]]:
    assert CATALOGUE.exists(), f"{CATALOGUE} is missing: {FIX_HINT}"
    return read_po(CATALOGUE)


@pytest.fixture(scope="module")
def entries(catalogue: tuple[PoEntry, list[PoEntry]]) -> list[PoEntry]:
    return [entry for entry in catalogue[1] if not entry.obsolete]


def listing(problems: list[str], limit: int = 40) -> str:
    shown = "\n  ".join(problems[:limit])
    more = f"\n  … and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"\n  {shown}{more}"


# --- The catalogue itself ----------------------------------------------------------------------


def test_the_po_reader_understands_plurals_contexts_flags_and_obsolete_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.html b.py\n#, fuzzy, python-format\n#| msgid "Cũ %(n)s"\n'
        'msgid ""\n"Đã lưu "\n"%(n)s \\"mục\\"."\nmsgstr "Saved %(n)s \\"items\\"."\n\n'
        'msgctxt "menu"\nmsgid "Mở"\nmsgstr "Open"\n\n'
        'msgid "%(counter)s đơn vị"\nmsgid_plural "%(counter)s đơn vị"\n'
        'msgstr[0] "%(counter)s unit"\nmsgstr[1] "%(counter)s units"\n\n'
        '#~ msgid "Bỏ"\n#~ msgstr "Gone"\n',
        encoding="utf-8",
    )

    header, (saved, opened, units, gone) = read_po(po)

    assert header.msgstr == ["Language: en\n"]
    assert saved.msgid == 'Đã lưu %(n)s "mục".'
    assert saved.msgstr == ['Saved %(n)s "items".']
    assert saved.flags == {"fuzzy", "python-format"}
    assert saved.locations == ["a.html", "b.py"]
    assert opened.key == ("menu", "Mở")
    assert units.msgid_plural == "%(counter)s đơn vị"
    assert units.msgstr == ["%(counter)s unit", "%(counter)s units"]
    assert gone.obsolete
    assert not saved.obsolete


def test_the_catalogue_is_english_with_two_plural_forms_and_a_usable_header(catalogue):
    header, _entries = catalogue
    metadata = dict(line.split(":", 1) for line in header.msgstr[0].splitlines() if ":" in line)

    assert "fuzzy" not in header.flags  # msgfmt would drop a fuzzy header, and the charset with it
    assert metadata["Language"].strip() == "en"
    assert "charset=UTF-8" in metadata["Content-Type"]
    assert metadata["Plural-Forms"].strip() == "nplurals=2; plural=(n != 1);"


def test_every_entry_has_an_english_translation(entries):
    untranslated = [
        entry.describe() for entry in entries if not entry.msgstr or not all(entry.msgstr)
    ]

    assert not untranslated, f"{len(untranslated)} entries without English; {FIX_HINT}:" + listing(
        untranslated
    )


def test_no_entry_is_left_fuzzy(entries):
    """msgmerge marks a reworded string fuzzy and guesses from the old one; a fuzzy entry is
    not compiled, so the page falls back to Vietnamese until someone checks the guess."""
    fuzzy = [entry.describe() for entry in entries if "fuzzy" in entry.flags]

    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy entries: check each English text against its new Vietnamese "
        "(the old one is the #| line above it), then delete the `#, fuzzy` line:" + listing(fuzzy)
    )


def test_plural_entries_have_a_singular_and_a_plural_form(entries):
    wrong = [
        f"{entry.describe()} has {len(entry.msgstr)} forms"
        for entry in entries
        if entry.msgid_plural is not None and len(entry.msgstr) != 2
    ]
    singular_with_forms = [
        entry.describe()
        for entry in entries
        if entry.msgid_plural is None and len(entry.msgstr) != 1
    ]

    assert not wrong, "English has two plural forms (one, other):" + listing(wrong)
    assert not singular_with_forms, "entries without msgid_plural need one msgstr:" + listing(
        singular_with_forms
    )


NAMED_PLACEHOLDER = re.compile(r"%\(([^)]+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL_PLACEHOLDER = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def placeholder_problems(source: str, translation: str, python_format: bool) -> list[str]:
    problems = []
    expected = set(NAMED_PLACEHOLDER.findall(source))
    found = set(NAMED_PLACEHOLDER.findall(translation))
    if expected - found:
        problems.append(f"lost {sorted(expected - found)}")
    if found - expected:
        # Django falls back to the Vietnamese text when a name is unknown (or raises KeyError).
        problems.append(f"unknown {sorted(found - expected)}")
    if python_format:
        source_rest = NAMED_PLACEHOLDER.sub("", source).replace("%%", "")
        translation_rest = NAMED_PLACEHOLDER.sub("", translation).replace("%%", "")
        if len(POSITIONAL_PLACEHOLDER.findall(source_rest)) != len(
            POSITIONAL_PLACEHOLDER.findall(translation_rest)
        ):
            problems.append("a different number of %s/%d placeholders")
        if "%" in POSITIONAL_PLACEHOLDER.sub("", translation_rest):
            problems.append("a lone % (write %% for a percent sign)")
    if sorted(HTML_TAG.findall(source)) != sorted(HTML_TAG.findall(translation)):
        problems.append("different HTML tags")
    for edge, strip in (("leading", str.lstrip), ("trailing", str.rstrip)):
        if (strip(source) != source) != (strip(translation) != translation):
            problems.append(f"{edge} space differs (the text is joined to what is around it)")
    return problems


def test_placeholders_percent_signs_and_markup_survive_translation(entries):
    problems = []
    for entry in entries:
        python_format = "python-format" in entry.flags
        for form, translation in enumerate(entry.msgstr):
            if not translation:
                continue  # reported by the completeness test
            plural = entry.msgid_plural is not None and form > 0
            source = entry.msgid_plural if plural and entry.msgid_plural else entry.msgid
            for problem in placeholder_problems(source, translation, python_format):
                problems.append(f"{entry.describe()} → {translation!r}: {problem}")

    assert not problems, "translations that would break formatting:" + listing(problems)


def test_the_placeholder_check_catches_what_it_should():
    assert placeholder_problems("Đã lưu %(name)s.", "Saved.", True) == ["lost ['name']"]
    assert placeholder_problems("%(n)s đơn vị", "%(count)s units", True) == [
        "lost ['n']",
        "unknown ['count']",
    ]
    assert placeholder_problems("Chỉ số (%%)", "Index (%)", True) == [
        "a lone % (write %% for a percent sign)"
    ]
    assert placeholder_problems("<strong>%(p)s điểm</strong>", "%(p)s points", True) == [
        "different HTML tags"
    ]
    assert placeholder_problems(" Khi chưa nhập.", "When not entered.", False) == [
        "leading space differs (the text is joined to what is around it)"
    ]
    assert placeholder_problems("Cần %(p)s điểm", "%(p)s points needed", True) == []


def test_the_compiled_catalogue_holds_exactly_the_translations_of_the_po_file(entries):
    """A .mo older than its .po serves yesterday's English (or none); compare their contents."""
    assert COMPILED.exists(), f"{COMPILED} is missing: run `make messages`"
    expected = {}
    for entry in entries:
        if "fuzzy" in entry.flags or not entry.msgstr or not all(entry.msgstr):
            continue  # msgfmt leaves these out; the tests above report them
        original = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is not None:
            original += f"\x00{entry.msgid_plural}"
        expected[original] = "\x00".join(entry.msgstr)

    compiled = read_mo(COMPILED)
    compiled.pop("", None)  # the header

    stale = sorted(
        original.split("\x00")[0]
        for original in expected.keys() | compiled.keys()
        if expected.get(original) != compiled.get(original)
    )
    assert not stale, "django.mo differs from django.po; run `make messages`:" + listing(
        [repr(msgid) for msgid in stale]
    )


# --- The catalogue against the code ------------------------------------------------------------

# Functions whose string arguments are extracted: name → (context argument, msgid argument), the
# keywords `makemessages` gives xgettext for Python (Django's list plus xgettext's own). A plural
# entry is known by its singular msgid, which is all the catalogue comparison needs.
GETTEXT_FUNCTIONS: dict[str, tuple[int | None, int]] = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}
TEMPLATE_EXTENSIONS = {".html", ".txt"}  # makemessages' defaults, besides .py
SKIPPED_DIRECTORIES = {"locale", "migrations", "__pycache__"}


@dataclass(frozen=True)
class Marked:
    msgctxt: str | None
    msgid: str
    where: str


def _literal_key(arguments: list[str | None], function: str) -> tuple[str | None, str] | None:
    """(msgctxt, msgid) of a call, or None when they are not literals (xgettext skips those)."""
    context_at, msgid_at = GETTEXT_FUNCTIONS[function]
    needed = [index for index in (context_at, msgid_at) if index is not None]
    if any(index >= len(arguments) or arguments[index] is None for index in needed):
        return None
    msgid = arguments[msgid_at]
    assert msgid is not None
    return (arguments[context_at] if context_at is not None else None), msgid


def strings_marked_in_python(path: Path, root: Path = PACKAGE_DIR) -> Iterator[Marked]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_FUNCTIONS:
            continue
        arguments = [
            argument.value
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
            else None
            for argument in node.args
        ]
        key = _literal_key(arguments, name)
        if key is not None:
            yield Marked(*key, where=f"{path.relative_to(root)}:{node.lineno}")


def strings_marked_in_template(path: Path, root: Path = PACKAGE_DIR) -> Iterator[Marked]:
    # Django's templatize turns {% translate %}, {% blocktranslate %} and _("…") into gettext
    # calls in Python syntax, with the rest blanked out: exactly what makemessages feeds xgettext.
    # Leading blanks are dropped: the output is not a Python program, and an indented
    # `{% translate … as name %}` line would otherwise read as a bad dedent to `tokenize`.
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    source = "\n".join(line.lstrip() for line in source.splitlines())
    tokens = [
        token
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
    ]
    for index, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in GETTEXT_FUNCTIONS:
            continue
        if tokens[index + 1].string != "(":
            continue
        arguments: list[str | None] = []
        pending: str | None = None
        for argument in tokens[index + 2 :]:
            if argument.type == tokenize.STRING:
                pending = (pending or "") + ast.literal_eval(argument.string)
            elif argument.string in (",", ")"):
                arguments.append(pending)
                pending = None
                if argument.string == ")":
                    break
            else:
                pending = None  # a variable (the count of ngettext): not a literal
        key = _literal_key(arguments, token.string)
        if key is not None:
            yield Marked(*key, where=f"{path.relative_to(root)}:{token.start[0]}")


def strings_marked_in_package() -> list[Marked]:
    marked: list[Marked] = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        relative_parts = path.relative_to(PACKAGE_DIR).parts
        if any(part in SKIPPED_DIRECTORIES or part.startswith(".") for part in relative_parts):
            continue
        if path.suffix == ".py":
            marked.extend(strings_marked_in_python(path))
        elif path.suffix in TEMPLATE_EXTENSIONS:
            marked.extend(strings_marked_in_template(path))
    return marked


def test_the_code_scanner_finds_strings_the_way_makemessages_does(tmp_path):
    template = tmp_path / "page.html"
    template.write_text(
        '{% load i18n %}<h1>{% translate "Tổng quan" %}</h1><p>{% translate "Chỉ số (%)" %}</p>'
        "{% blocktranslate count counter=n %}{{ counter }} đơn vị{% plural %}"
        "{{ counter }} đơn vị{% endblocktranslate %}"
        '{% translate "Mở" context "nút" %}{{ value|default:_("Không có.") }}',
        encoding="utf-8",
    )
    module = tmp_path / "views.py"
    module.write_text(
        "from django.utils.translation import gettext as _, ngettext, pgettext_lazy\n"
        'a = _("Đã lưu.")\n'
        'b = ngettext("%(count)s mục", "%(count)s mục", 2)\n'
        'c = pgettext_lazy("menu", "Kết quả")\n'
        "d = _(name)  # a variable: nothing to extract\n"
        'e = _("Đã lưu " "tất cả.")\n',
        encoding="utf-8",
    )

    found_in_template = {
        (m.msgctxt, m.msgid) for m in strings_marked_in_template(template, tmp_path)
    }
    found_in_module = {(m.msgctxt, m.msgid) for m in strings_marked_in_python(module, tmp_path)}

    assert found_in_template == {
        (None, "Tổng quan"),
        (None, "Chỉ số (%%)"),  # makemessages doubles a literal percent sign in templates
        (None, "%(counter)s đơn vị"),
        ("nút", "Mở"),
        (None, "Không có."),
    }
    assert found_in_module == {
        (None, "Đã lưu."),
        (None, "%(count)s mục"),
        ("menu", "Kết quả"),
        (None, "Đã lưu tất cả."),
    }


def test_every_string_marked_for_translation_is_in_the_catalogue(entries):
    """A string marked in a template or in Python but missing from django.po shows in
    Vietnamese on the English pages. (A string marked inside a package that the `messages`
    target ignores, such as the engine, would show up here too.)"""
    in_catalogue = {entry.key for entry in entries}

    missing = sorted(
        {
            f"{marked.where}: {marked.msgid!r}"
            + (f" (context {marked.msgctxt!r})" if marked.msgctxt else "")
            for marked in strings_marked_in_package()
            if (marked.msgctxt, marked.msgid) not in in_catalogue
        }
    )

    assert not missing, f"{len(missing)} marked strings are not in django.po; {FIX_HINT}:" + (
        listing(missing)
    )


# --- The English pages -------------------------------------------------------------------------


def switch_to_english(client, next_url: str = "/") -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302


def test_a_page_in_english_has_english_menu_labels_and_an_english_html_lang(login, province):
    client = login("officer_a")
    switch_to_english(client)

    page = client.get(reverse("home")).content.decode()

    assert '<html lang="en">' in page
    for label in ("Overview", "Self-assessment", "My unit", "Results"):
        assert f">{label}</a>" in page, label
    assert ">Tổng quan</a>" not in page
    assert "Sign out" in page
    assert "Đăng xuất" not in page
    assert "PAR officer" in page  # a lazily translated model choice (the role)
    assert "Software for assessing the Public Administration Reform Index" in page


def test_english_pages_render_plurals_and_percent_signs(login, province):
    client = login("appraiser")
    switch_to_english(client)

    units = client.get(reverse("units:list")).content.decode()
    queue = client.get(reverse("assessments:queue")).content.decode()

    assert re.search(r"\b\d+ units\b", units)  # {% blocktranslate count %}, plural form
    assert "đơn vị</" not in units
    assert "Index (%)" in queue  # a translated "%" comes out single, not "%%"
    assert "%%" not in queue
