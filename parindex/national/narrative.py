"""The written analysis: Vietnamese text generated from the data, in the register of reports.

Every number comes from the data; every phrase comes from a template file a province may
edit (`parindex/data/templates/narrative/*.txt`, or the same file name in an override folder).
Nothing is invented: a sentence whose figures the data does not give is left out, never
filled with a guess.

A template file holds sections:

    # a comment line
    [summary]
    Năm ${year}, Chỉ số CCHC của tỉnh ${unit} đạt ${index}%, xếp thứ ${rank}/${of} …

`${name}` (or `$name`) is a value; `$$` is a dollar sign. Rendering FAILS LOUDLY: a name the
code does not provide, or a value that is missing (None), raises `NarrativeError` naming the
section, the file and the names: the text never reads "None" or leaves a gap. Sections an
override file does not define are taken from the shipped file (so that a new release's new
sections do not break a province's edited file).

Numbers are written as official reports write them: decimal comma ("79,35"), and counts of
areas, units and places zero-padded below ten ("02 lĩnh vực", "giảm 03 bậc").

Pure: no Django. The group and unit narratives (parindex/documents/narrative.py) use the same
renderer.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from parindex.engine import format_number

from .analysis import AreaLine, NationalReport

SHIPPED_FOLDER = Path(__file__).resolve().parent.parent / "data" / "templates" / "narrative"
GENERATED_MARK = "generated"  # the `source` label of generated rows in the example table

_SECTION = re.compile(r"^\[([a-z0-9_]+)\]\s*$")


class NarrativeError(Exception):
    """A template cannot be rendered (missing value, unknown section, unreadable file)."""


@dataclass(frozen=True)
class Templates:
    """The sections of one narrative, each with the file it came from."""

    name: str
    sections: Mapping[str, tuple[str, str]]  # key → (text, source file)

    def render(self, key: str, **values: object) -> str:
        if key not in self.sections:
            raise NarrativeError(f"mẫu «{self.name}» không có mục [{key}]")
        text, source = self.sections[key]
        return render_text(text, values, where=f"{source} [{key}]")

    def has(self, key: str) -> bool:
        return key in self.sections


def render_text(template: str, values: Mapping[str, object], *, where: str = "") -> str:
    """`template` with every `${name}` replaced; `NarrativeError` on any missing or None value.

    Values must be text (numbers formatted by the caller, so that a raw float or Decimal never
    reaches the page in English notation) or whole numbers.
    """
    parsed = string.Template(template)
    names = parsed.get_identifiers()
    missing = sorted(name for name in names if values.get(name) is None)
    if missing:
        raise NarrativeError(
            f"thiếu giá trị cho {', '.join('${' + name + '}' for name in missing)}"
            + (f" trong {where}" if where else "")
        )
    wrong = sorted(
        name
        for name in names
        if not isinstance(values[name], str | int) or isinstance(values[name], bool)
    )
    if wrong:
        raise NarrativeError(
            f"giá trị của {', '.join(wrong)} phải là chữ đã định dạng"
            + (f" trong {where}" if where else "")
        )
    if not parsed.is_valid():
        raise NarrativeError(f"mẫu có dấu $ không hợp lệ{' trong ' + where if where else ''}")
    return parsed.substitute({name: str(values[name]) for name in names})


def parse_sections(text: str, source: str) -> dict[str, tuple[str, str]]:
    """Sections of a template file: `[key]` headers, `#` comment lines, text between."""
    sections: dict[str, tuple[str, str]] = {}
    key: str | None = None
    lines: list[str] = []

    def close() -> None:
        if key is not None:
            sections[key] = (" ".join(line.strip() for line in lines if line.strip()), source)

    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        header = _SECTION.match(line.strip())
        if header:
            close()
            key, lines = header.group(1), []
            if key in sections:
                raise NarrativeError(f"{source}:{number}: mục [{key}] xuất hiện hai lần")
        elif line.strip():
            if key is None:
                raise NarrativeError(f"{source}:{number}: văn bản trước mục [tên] đầu tiên")
            lines.append(line)
    close()
    return sections


def load_templates(name: str, folders: Sequence[Path | str] = ()) -> Templates:
    """The narrative `name` (file `<name>.txt`): the shipped sections, overridden by those of
    the first of `folders` that holds the file (an override folder's `narrative/` subfolder or
    the folder itself)."""
    shipped = SHIPPED_FOLDER / f"{name}.txt"
    if not shipped.is_file():
        raise NarrativeError(f"không có mẫu văn bản «{name}»")
    sections = parse_sections(shipped.read_text(encoding="utf-8"), str(shipped))
    for folder in folders:
        for candidate in (Path(folder) / "narrative" / f"{name}.txt", Path(folder) / f"{name}.txt"):
            if candidate.is_file():
                try:
                    text = candidate.read_text(encoding="utf-8-sig")
                except UnicodeDecodeError as error:
                    raise NarrativeError(f"{candidate}: tệp không phải UTF-8") from error
                sections.update(parse_sections(text, str(candidate)))
                return Templates(name, sections)
    return Templates(name, sections)


# --- numbers as official reports write them ----------------------------------------------------


def number(value: Decimal, places: int | None = None) -> str:
    """ "79,35", "7,775", "1.234,5"."""
    return format_number(value, places)


def count(value: int) -> str:
    """ "02", "08", "12": counts of areas, units and places as official reports write them."""
    return f"{value:02d}" if 0 <= value < 10 else str(value)


def join_items(items: Sequence[str]) -> str:
    """ "a; b và c" — items of a list inside a sentence."""
    if len(items) <= 1:
        return "".join(items)
    return "; ".join(items[:-1]) + " và " + items[-1]


def paragraph(*sentences: str) -> str:
    return " ".join(sentence for sentence in sentences if sentence)


# --- the national position ---------------------------------------------------------------------


def _change_phrase(templates: Templates, prefix: str, change: Decimal | int, amount: str) -> str:
    """ "tăng 0,53 điểm", "giảm 03 bậc", "giữ nguyên thứ hạng" from the [<prefix>_up|down|same]
    sections."""
    if change > 0:
        return templates.render(f"{prefix}_up", amount=amount)
    if change < 0:
        return templates.render(f"{prefix}_down", amount=amount)
    return templates.render(f"{prefix}_same")


def _area_item(templates: Templates, area: AreaLine, of: int) -> str:
    assert area.rank_change is not None
    return templates.render(
        "area_move_item",
        name=area.name,
        move=_change_phrase(templates, "rank", area.rank_change, count(abs(area.rank_change))),
        rank=area.rank,
        of=of,
    )


def _uses_generated(report: NationalReport) -> bool:
    return any(GENERATED_MARK in line.source.casefold() for line in report.sources) or any(
        GENERATED_MARK in area.source.casefold() for area in report.areas
    )


def national_narrative(report: NationalReport, templates: Templates | None = None) -> str:
    """The analysis of the province's national position, as paragraphs separated by blank lines.

    Index, rank of N and class; the change in points and rank against the comparison year;
    how many areas went up and down in rank and in points, and which; the strongest and
    weakest areas (share of the maximum) and the best- and worst-ranked; where the headroom is
    largest; the points to the next rank and class. A caveat closes the text when any figure
    used comes from a generated row.
    """
    t = templates or load_templates("national")
    paragraphs: list[str] = []
    summary_key = "summary" if report.class_ else "summary_no_class"
    summary = t.render(
        summary_key,
        year=report.year,
        unit=report.unit,
        index=number(report.index, 2),
        total=number(report.total),
        max_total=number(report.max_total),
        rank=report.rank,
        of=report.of,
        class_label=report.class_,
    )
    change = ""
    if (
        report.compare_to is not None
        and report.previous_index is not None
        and report.index_change is not None
        and report.rank_change is not None
    ):
        change = t.render(
            "change",
            year=report.year,
            previous_year=report.compare_to,
            previous_index=number(report.previous_index, 2),
            previous_rank=report.previous_rank,
            previous_of=report.previous_of,
            points_move=_change_phrase(
                t, "points", report.index_change, number(abs(report.index_change), 2)
            ),
            rank_move=_change_phrase(t, "rank", report.rank_change, count(abs(report.rank_change))),
        )
    paragraphs.append(paragraph(summary, change))

    if report.compare_to is not None and report.areas_up_in_rank is not None:
        assert report.areas_down_in_rank is not None
        assert report.areas_up_in_points is not None
        assert report.areas_down_in_points is not None
        same_rank = (
            t.render("areas_same_rank", count=count(report.areas_same_rank))
            if report.areas_same_rank
            else ""
        )
        same_points = (
            t.render("areas_same_points", count=count(report.areas_same_points))
            if report.areas_same_points
            else ""
        )
        moves = t.render(
            "areas_moves",
            areas=count(len(report.areas)),
            up_rank=count(report.areas_up_in_rank),
            down_rank=count(report.areas_down_in_rank),
            up_points=count(report.areas_up_in_points),
            down_points=count(report.areas_down_in_points),
            same_rank=same_rank,
            same_points=same_points,
            previous_year=report.compare_to,
        )
        moved = [area for area in report.areas if area.rank_change is not None]
        up = sorted(
            (a for a in moved if a.rank_change and a.rank_change > 0),
            key=lambda a: -(a.rank_change or 0),
        )
        down = sorted(
            (a for a in moved if a.rank_change and a.rank_change < 0),
            key=lambda a: a.rank_change or 0,
        )
        lists = []
        if up:
            lists.append(
                t.render("areas_up", items=join_items([_area_item(t, a, report.of) for a in up]))
            )
        if down:
            lists.append(
                t.render(
                    "areas_down", items=join_items([_area_item(t, a, report.of) for a in down])
                )
            )
        paragraphs.append(paragraph(moves, *lists))

    if report.areas:
        strongest = max(report.areas, key=lambda a: a.percent)
        weakest = min(report.areas, key=lambda a: a.percent)
        best_ranked = min(report.areas, key=lambda a: a.rank)
        worst_ranked = max(report.areas, key=lambda a: a.rank)

        def area_values(area: AreaLine) -> dict[str, object]:
            return {
                "name": area.name,
                "points": number(area.points),
                "max_points": number(area.max_points),
                "percent": number(area.percent, 2),
                "rank": area.rank,
                "of": report.of,
            }

        paragraphs.append(
            paragraph(
                t.render("strongest", **area_values(strongest)),
                t.render("weakest", **area_values(weakest)),
                t.render("best_ranked", **area_values(best_ranked)),
                t.render("worst_ranked", **area_values(worst_ranked)),
            )
        )

    if report.headroom:
        first, *rest = report.headroom
        lost_total = sum((item.points_lost for item in report.headroom), Decimal(0))
        headroom = t.render(
            "headroom",
            name=first.name,
            lost=number(first.points_lost),
            share=number(first.share, 2),
            lost_total=number(lost_total),
        )
        following = ""
        if rest:
            following = t.render(
                "headroom_next",
                items=join_items(
                    [
                        t.render("headroom_item", name=item.name, lost=number(item.points_lost))
                        for item in rest[:2]
                    ]
                ),
            )
        paragraphs.append(paragraph(headroom, following))

    targets = []
    if report.points_to_next_rank is not None:
        targets.append(
            t.render(
                "target_rank",
                next_rank=report.rank - 1,
                points=number(report.points_to_next_rank),
            )
        )
    else:
        targets.append(t.render("target_top"))
    if report.next_class is not None and report.points_to_next_class is not None:
        targets.append(
            t.render(
                "target_class",
                next_class=report.next_class,
                points=number(report.points_to_next_class),
            )
        )
    paragraphs.append(paragraph(*targets))
    if _uses_generated(report):
        paragraphs.append(t.render("caveat_generated"))
    return "\n\n".join(p for p in paragraphs if p)
