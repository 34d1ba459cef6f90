"""The criteria framework (Bộ tiêu chí) as data: metadata and a tree of nodes.

Readers (YAML, Excel, the database) turn their input into `FrameworkSpec`, a
flat list of `NodeSpec` rows that remember where each came from. `build_framework`
validates the whole spec, reporting *every* problem with its location, and only
then returns an immutable `Framework`. Nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from .errors import FrameworkError, Problem, RuleInputError, RuleParameterError
from .numbers import HUNDRED, ZERO, format_number, to_decimal
from .rules import DEFAULT_POINTS_PLACES, Rule, make_rule

SOURCES = ("self", "survey", "data", "system")
KINDS = ("standard", "bonus", "penalty")
EVIDENCE = ("required", "optional")

NATIONAL_CLASS_BANDS: tuple[tuple[str, int], ...] = (("A", 90), ("B", 80), ("C", 70), ("D", 0))


@dataclass(frozen=True, slots=True)
class ClassBand:
    """A class (xếp loại) reached when the index is at least `min_percent`."""

    label: str
    min_percent: Decimal


# How a unit sent its self-assessment (`Assessment.submission`): the cases a framework's
# `submission` setting gives points for.
SUBMISSION_CASES = ("on_time", "late", "not_submitted")
_SUBMISSION_KEYS = ("node", *SUBMISSION_CASES)


@dataclass(frozen=True)
class SubmissionPoints:
    """The framework's `submission` setting: the leaf (source `system`, rule `manual`) that the
    platform fills from how the unit sent its self-assessment, and its points in each case
    (on a penalty node, the points taken off)."""

    node: str
    on_time: Decimal
    late: Decimal
    not_submitted: Decimal

    def points(self, case: str) -> Decimal:
        if case not in SUBMISSION_CASES:
            raise ValueError(f"unknown submission case {case!r}")
        points: Decimal = getattr(self, case)
        return points


@dataclass(frozen=True)
class FrameworkInfo:
    """Metadata of a framework: what it is, for whom, and how results are rounded."""

    code: str
    name: str
    year: int
    unit_group: str
    legal_basis: str = ""
    max_total: Decimal = HUNDRED
    class_bands: tuple[ClassBand, ...] = tuple(
        ClassBand(label, Decimal(minimum)) for label, minimum in NATIONAL_CLASS_BANDS
    )
    index_places: int = 2
    points_places: int = DEFAULT_POINTS_PLACES
    # Decimals of the points pages and exports show (official tables: 2); the stored and
    # computed points keep `points_places`.
    display_places: int = 2
    status_note: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Parsed from the free key `submission` (kept in `extra` as written, for the writers).
    submission: SubmissionPoints | None = None


@dataclass(frozen=True, eq=False)
class Node:
    """One area, criterion or sub-criterion. Leaves carry a rule; parents add up children."""

    code: str
    title: str
    max_points: Decimal
    parent: str | None
    depth: int
    children: tuple[str, ...]
    rule: Rule | None
    kind: str = "standard"
    source: str = "self"
    evidence_required: bool = False
    evidence_hint: str = ""
    tags: tuple[str, ...] = ()
    guidance: str = ""
    previous_codes: tuple[str, ...] = ()
    alternatives: bool = False
    indicator: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def is_quick_win(self) -> bool:
        return "quick_win" in self.tags


@dataclass(frozen=True, eq=False)
class Framework:
    """A validated framework. `nodes` is in document order (each parent before its children)."""

    info: FrameworkInfo
    nodes: Mapping[str, Node]
    roots: tuple[str, ...]

    @property
    def areas(self) -> tuple[Node, ...]:
        """The top-level standard nodes (lĩnh vực)."""
        return tuple(self.nodes[code] for code in self.roots if self.nodes[code].kind == "standard")

    def node(self, code: str) -> Node:
        return self.nodes[code]

    def walk(self) -> Iterator[Node]:
        return iter(self.nodes.values())

    def leaves(self) -> Iterator[Node]:
        return (node for node in self.nodes.values() if node.is_leaf)

    def area_of(self, code: str) -> Node:
        node = self.nodes[code]
        while node.parent is not None:
            node = self.nodes[node.parent]
        return node


@dataclass
class NodeSpec:
    """A node as read from a file, before validation. `location` says where it came from."""

    code: str
    title: str = ""
    max_points: Any = None
    parent: str | None = None
    kind: str = "standard"
    rule: str | None = None
    rule_params: Mapping[str, Any] = field(default_factory=dict)
    source: str = "self"
    evidence: str = "optional"
    evidence_hint: str = ""
    tags: Sequence[str] = ()
    guidance: str = ""
    previous_codes: Sequence[str] = ()
    alternatives: bool = False
    indicator: str = ""
    location: str = ""
    field_locations: Mapping[str, str] = field(default_factory=dict)

    def where(self, field_name: str) -> str:
        return self.field_locations.get(field_name, self.location)


@dataclass
class FrameworkSpec:
    """Metadata and node rows as read from a file, before validation."""

    info: Mapping[str, Any]
    nodes: list[NodeSpec]
    location: str = ""
    info_locations: Mapping[str, str] = field(default_factory=dict)

    def where(self, key: str) -> str:
        return self.info_locations.get(key, self.location)


def _info_from_spec(spec: FrameworkSpec, problems: list[Problem]) -> FrameworkInfo | None:
    raw = spec.info
    missing = [key for key in ("code", "name", "year", "unit_group") if not raw.get(key)]
    for key in missing:
        problems.append(Problem(spec.where(key), f"thiếu thông tin «{key}» của bộ tiêu chí"))
    try:
        year = int(raw.get("year") or 0)
    except (TypeError, ValueError):
        problems.append(Problem(spec.where("year"), f"năm «{raw.get('year')}» không hợp lệ"))
        year = 0
    max_total = HUNDRED
    if raw.get("max_total") is not None:
        try:
            max_total = to_decimal(raw["max_total"])
        except ValueError:
            problems.append(Problem(spec.where("max_total"), "«max_total» phải là số"))
    bands: list[ClassBand] = []
    raw_bands = raw.get("classes")
    if raw_bands is None:
        bands = [ClassBand(label, Decimal(minimum)) for label, minimum in NATIONAL_CLASS_BANDS]
    elif not isinstance(raw_bands, list) or not raw_bands:
        problems.append(Problem(spec.where("classes"), "«classes» phải là danh sách xếp loại"))
    else:
        for position, band in enumerate(raw_bands, start=1):
            where = spec.where(f"classes.{position}")
            if not isinstance(band, Mapping) or "label" not in band or "min_percent" not in band:
                problems.append(Problem(where, "mỗi xếp loại cần «label» và «min_percent»"))
                continue
            try:
                minimum = to_decimal(band["min_percent"])
            except ValueError:
                problems.append(Problem(where, "«min_percent» phải là số"))
                continue
            if not ZERO <= minimum <= HUNDRED:
                problems.append(Problem(where, "«min_percent» phải từ 0 đến 100"))
            bands.append(ClassBand(str(band["label"]), minimum))
        labels = [band.label for band in bands]
        if len(set(labels)) != len(labels):
            problems.append(Problem(spec.where("classes"), "hai xếp loại trùng tên"))
        minimums = [band.min_percent for band in bands]
        if len(set(minimums)) != len(minimums):
            problems.append(Problem(spec.where("classes"), "hai xếp loại có cùng ngưỡng"))
    bands.sort(key=lambda band: band.min_percent, reverse=True)
    rounding = raw.get("rounding") or {}
    places: dict[str, int] = {}
    for key, default in (
        ("index_places", 2),
        ("points_places", DEFAULT_POINTS_PLACES),
        ("display_places", 2),
    ):
        value = rounding.get(key, default) if isinstance(rounding, Mapping) else default
        if not isinstance(value, int) or not 0 <= value <= 10:
            problems.append(Problem(spec.where("rounding"), f"«{key}» phải là số nguyên 0–10"))
            value = default
        places[key] = value
    if missing or year == 0:
        return None
    known = {"code", "name", "year", "unit_group", "legal_basis", "max_total", "classes"}
    known |= {"rounding", "status_note"}
    return FrameworkInfo(
        code=str(raw["code"]),
        name=str(raw["name"]),
        year=year,
        unit_group=str(raw["unit_group"]),
        legal_basis=str(raw.get("legal_basis") or ""),
        max_total=max_total,
        class_bands=tuple(bands),
        index_places=places["index_places"],
        display_places=places["display_places"],
        points_places=places["points_places"],
        status_note=str(raw.get("status_note") or ""),
        extra={key: value for key, value in raw.items() if key not in known},
    )


def build_framework(spec: FrameworkSpec) -> Framework:
    """Validate `spec` and build the framework; raises `FrameworkError` listing every problem."""
    problems: list[Problem] = []
    info = _info_from_spec(spec, problems)
    points_places = info.points_places if info else DEFAULT_POINTS_PLACES

    by_code: dict[str, NodeSpec] = {}
    for node in spec.nodes:
        code = node.code.strip() if node.code else ""
        if not code:
            problems.append(Problem(node.where("code"), "thiếu mã mục"))
            continue
        if code in by_code:
            first = by_code[code].where("code")
            problems.append(Problem(node.where("code"), f"mã «{code}» trùng với {first}"))
            continue
        by_code[code] = node

    children: dict[str | None, list[str]] = {}
    for code, node in by_code.items():
        parent = node.parent or None
        if parent is not None and parent not in by_code:
            problems.append(
                Problem(node.where("parent"), f"mục «{code}» có mục cha «{parent}» không tồn tại")
            )
            continue
        children.setdefault(parent, []).append(code)

    # Parents must be reachable from a root; a loop in `parent` would hide nodes.
    depth: dict[str, int] = {}
    order: list[str] = []
    stack = [(code, 1) for code in reversed(children.get(None, []))]
    while stack:
        code, level = stack.pop()
        depth[code] = level
        order.append(code)
        stack.extend((child, level + 1) for child in reversed(children.get(code, [])))
    for code, node in by_code.items():
        if code in depth or (node.parent or None) not in by_code:
            continue
        # Unreachable with an existing parent: either below an orphan (already reported)
        # or in a loop of parents.
        seen = {code}
        ancestor = node.parent
        while ancestor in by_code and ancestor not in seen:
            seen.add(ancestor)
            ancestor = by_code[ancestor].parent or None
        if ancestor in seen:
            problems.append(Problem(node.where("parent"), f"mục «{code}» nằm trong vòng lặp cha"))

    maxima: dict[str, Decimal] = {}
    for code in order:
        node = by_code[code]
        try:
            maximum = to_decimal(node.max_points)
        except ValueError:
            problems.append(
                Problem(node.where("max_points"), f"điểm tối đa của «{code}» phải là số")
            )
            continue
        if maximum < 0 or (maximum == 0 and node.kind == "standard"):
            problems.append(
                Problem(node.where("max_points"), f"điểm tối đa của «{code}» phải lớn hơn 0")
            )
        maxima[code] = maximum

    rules: dict[str, Rule | None] = {}
    for code in order:
        node = by_code[code]
        if node.kind not in KINDS:
            problems.append(Problem(node.where("kind"), f"loại mục «{node.kind}» không có"))
        if node.source not in SOURCES:
            problems.append(
                Problem(
                    node.where("source"),
                    f"nguồn điểm «{node.source}» không có ({', '.join(SOURCES)})",
                )
            )
        if node.evidence not in EVIDENCE:
            problems.append(
                Problem(node.where("evidence"), f"«evidence» phải là {' hoặc '.join(EVIDENCE)}")
            )
        parent_kind = by_code[node.parent].kind if node.parent in by_code else "standard"
        if parent_kind != "standard" and node.kind != parent_kind:
            problems.append(
                Problem(
                    node.where("kind"),
                    f"mục «{code}» nằm trong mục {parent_kind} nên phải cùng loại «{parent_kind}»",
                )
            )
        has_children = bool(children.get(code))
        if has_children and node.rule:
            problems.append(
                Problem(node.where("rule"), f"mục «{code}» có mục con nên không có quy tắc riêng")
            )
        if not has_children and not node.rule:
            problems.append(Problem(node.where("rule"), f"mục lá «{code}» thiếu quy tắc chấm điểm"))
        if node.kind == "penalty" and node.rule == "deduction":
            # deduction starts at the maximum: on a penalty node it would punish a clean unit.
            problems.append(
                Problem(
                    node.where("rule"),
                    f"mục điểm trừ «{code}» không dùng quy tắc deduction; dùng manual hoặc choice",
                )
            )
        if not has_children and node.rule and code in maxima:
            try:
                rules[code] = make_rule(node.rule, node.rule_params, maxima[code], points_places)
            except RuleParameterError as error:
                problems.append(Problem(node.where("rule"), f"mục «{code}»: {error}"))

    def check_sum(parent_code: str | None, maximum: Decimal, where: str, label: str) -> None:
        standard = [
            child for child in children.get(parent_code, []) if by_code[child].kind == "standard"
        ]
        if not standard or any(child not in maxima for child in standard):
            return
        node = by_code[parent_code] if parent_code else None
        if node is not None and node.alternatives:
            for child in standard:
                if maxima[child] > maximum:
                    problems.append(
                        Problem(
                            by_code[child].where("max_points"),
                            f"mục thay thế «{child}» có điểm tối đa {format_number(maxima[child])}"
                            f" vượt {format_number(maximum)} của «{parent_code}»",
                        )
                    )
            return
        total = sum((maxima[child] for child in standard), ZERO)
        if total != maximum:
            problems.append(
                Problem(
                    where,
                    f"tổng điểm tối đa các mục con của {label} là {format_number(total)}, "
                    f"khác {format_number(maximum)}",
                )
            )

    for code in order:
        if code in maxima and by_code[code].kind == "standard":
            check_sum(code, maxima[code], by_code[code].where("max_points"), f"«{code}»")
    if info is not None:
        check_sum(None, info.max_total, spec.where("max_total"), "bộ tiêu chí")

    submission = _submission_points(spec, by_code, maxima, rules, problems) if info else None

    if problems:
        raise FrameworkError(problems)
    assert info is not None
    if submission is not None:
        info = replace(info, submission=submission)

    nodes: dict[str, Node] = {}
    for code in order:
        spec_node = by_code[code]
        nodes[code] = Node(
            code=code,
            title=spec_node.title,
            max_points=maxima[code],
            parent=spec_node.parent or None,
            depth=depth[code],
            children=tuple(children.get(code, [])),
            rule=rules.get(code),
            kind=spec_node.kind,
            source=spec_node.source,
            evidence_required=spec_node.evidence == "required",
            evidence_hint=spec_node.evidence_hint,
            tags=tuple(spec_node.tags),
            guidance=spec_node.guidance,
            previous_codes=tuple(spec_node.previous_codes),
            alternatives=spec_node.alternatives,
            indicator=spec_node.indicator,
        )
    return Framework(info=info, nodes=nodes, roots=tuple(children.get(None, [])))


def _submission_points(
    spec: FrameworkSpec,
    by_code: Mapping[str, NodeSpec],
    maxima: Mapping[str, Decimal],
    rules: Mapping[str, Rule | None],
    problems: list[Problem],
) -> SubmissionPoints | None:
    """The `submission` setting checked against the nodes; every `system` leaf must be its node."""
    raw = spec.info.get("submission")
    where = spec.where("submission")
    named = str(raw.get("node") or "").strip() if isinstance(raw, Mapping) else ""
    for code, each in by_code.items():
        if each.source == "system" and code != named:
            problems.append(
                Problem(
                    each.where("source"),
                    f"mục «{code}» có nguồn «system» nhưng «submission» của bộ tiêu chí "
                    "không chỉ tới mục này",
                )
            )
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        problems.append(
            Problem(where, "«submission» phải có dạng {node: MÃ, late: ĐIỂM, not_submitted: ĐIỂM}")
        )
        return None
    found = len(problems)
    for key in raw:
        if key not in _SUBMISSION_KEYS:
            problems.append(
                Problem(
                    where,
                    f"«submission» không có khóa «{key}» (có: {', '.join(_SUBMISSION_KEYS)})",
                )
            )
    for key in ("node", "late", "not_submitted"):
        if raw.get(key) is None or raw.get(key) == "":
            problems.append(Problem(where, f"«submission» thiếu «{key}»"))
    node = by_code.get(named)
    if named and node is None:
        problems.append(Problem(where, f"«submission»: mục «{named}» không có"))
    rule = rules.get(named)
    if node is not None:
        if any((other.parent or None) == named for other in by_code.values()):
            problems.append(Problem(where, f"«submission»: mục «{named}» không phải mục lá"))
        if node.source != "system":
            problems.append(
                Problem(
                    node.where("source"), f"mục «{named}» của «submission» phải có source: system"
                )
            )
        if node.rule != "manual":
            problems.append(
                Problem(
                    node.where("rule"), f"mục «{named}» của «submission» phải dùng quy tắc manual"
                )
            )
    points: dict[str, Decimal] = {}
    for case in SUBMISSION_CASES:
        value = raw.get(case)
        if value is None or value == "":
            continue
        try:
            points[case] = to_decimal(value)
        except ValueError:
            problems.append(Problem(where, f"«submission.{case}» phải là số"))
            continue
        if rule is not None and rule.name == "manual":
            try:
                rule.read({"points": points[case]})
            except RuleInputError as error:
                problems.append(Problem(where, f"«submission.{case}»: {error}"))
    if len(problems) > found or node is None:
        return None
    if "on_time" not in points:
        # Nothing taken off a unit that sent on time; full points on a standard node.
        points["on_time"] = ZERO if node.kind == "penalty" else maxima.get(named, ZERO)
    return SubmissionPoints(
        node=named,
        on_time=points["on_time"],
        late=points["late"],
        not_submitted=points["not_submitted"],
    )


def framework_to_spec(framework: Framework) -> FrameworkSpec:
    """The inverse of `build_framework`, for writers (YAML, Excel, database)."""
    info = framework.info
    raw_info: dict[str, Any] = {
        "code": info.code,
        "name": info.name,
        "year": info.year,
        "unit_group": info.unit_group,
        "legal_basis": info.legal_basis,
        "max_total": info.max_total,
        "classes": [
            {"label": band.label, "min_percent": band.min_percent} for band in info.class_bands
        ],
        # `display_places` only when it is not the default: files written before it existed
        # are written again as they were.
        "rounding": {
            "index_places": info.index_places,
            "points_places": info.points_places,
            **({"display_places": info.display_places} if info.display_places != 2 else {}),
        },
        "status_note": info.status_note,
        **info.extra,
    }
    nodes = [
        NodeSpec(
            code=node.code,
            title=node.title,
            max_points=node.max_points,
            parent=node.parent,
            kind=node.kind,
            rule=node.rule.name if node.rule else None,
            rule_params=dict(node.rule.params) if node.rule else {},
            source=node.source,
            evidence="required" if node.evidence_required else "optional",
            evidence_hint=node.evidence_hint,
            tags=list(node.tags),
            guidance=node.guidance,
            previous_codes=list(node.previous_codes),
            alternatives=node.alternatives,
            indicator=node.indicator,
        )
        for node in framework.walk()
    ]
    return FrameworkSpec(info=raw_info, nodes=nodes)


def check_previous_codes(current: Framework, previous: Framework) -> list[Problem]:
    """Previous-year codes named by `current` that `previous` does not have."""
    return [
        Problem(
            f"{current.info.code}/{node.code}",
            f"mã năm trước «{old}» không có trong bộ tiêu chí {previous.info.code}",
        )
        for node in current.walk()
        for old in node.previous_codes
        if old not in previous.nodes
    ]
