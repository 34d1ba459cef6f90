"""The demo province ("Tỉnh Minh Họa"): clearly labelled generated data for every page.

Post-2025 structure: about 20 departments and 60 communes/wards/a special zone;
the former districts and communes (until 30/06/2025) with lineage links to their
successors; users for every role; two years of frameworks with the previous-code
mapping; a published 2024 period (results computed by the engine from generated
entries) and a 2025 period in progress.

Everything is deterministic (fixed random seed), so tests can rely on it.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from parindex.accounts.models import User
from parindex.assessments.models import (
    Assessment,
    EvidenceDocument,
    EvidenceLink,
    NodeEntry,
    Submission,
)
from parindex.assessments.selectors import engine_for_group
from parindex.assessments.services.publication import group_approve, period_publish
from parindex.assessments.services.transitions import (
    assessment_take_unsubmitted,
    submission_points_apply,
)
from parindex.assessments.workflow import State
from parindex.criteria.models import Framework
from parindex.criteria.services import framework_publish, framework_store
from parindex.demo.accounts import DEMO_PASSWORD
from parindex.demo.inputs import generated_inputs
from parindex.demo.national_self import load_demo_national_self
from parindex.dossiers.demo import load_demo_dossiers
from parindex.engine import Framework as EngineFramework
from parindex.frameworks import load_framework
from parindex.nationaldata.demo import load_demo_national
from parindex.periods.models import AssessmentPeriod, PeriodStatus, PublishedResult, UnitGroup
from parindex.periods.services import extension_grant
from parindex.plans.demo import load_demo_plans
from parindex.questionnaires.demo import load_demo_survey
from parindex.tasks.demo import load_demo_tasks
from parindex.units.models import LineageKind, Unit, UnitLineage, UnitType

DATA = Path(__file__).resolve().parent.parent / "data" / "frameworks"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SEED = 20250701
REORGANISED = datetime.date(2025, 7, 1)
LAST_DAY_OLD = datetime.date(2025, 6, 30)
PROVINCE = "Tỉnh Minh Họa (dữ liệu minh họa)"

UNIT_TYPES = [
    ("so", "Sở, ban, ngành", "province", 1),
    ("ubnd-tinh", "UBND tỉnh", "province", 0),
    ("ubnd-huyen", "UBND cấp huyện (đến 30/06/2025)", "district", 2),
    ("xa", "Xã", "commune", 3),
    ("phuong", "Phường", "commune", 4),
    ("dac-khu", "Đặc khu", "commune", 5),
]

DEPARTMENTS = [
    "Văn phòng UBND tỉnh",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Tư pháp",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo",
    "Sở Ngoại vụ",
    "Thanh tra tỉnh",
    "Ban Quản lý các khu công nghiệp",
    "Sở Nội vụ — Ban Thi đua Khen thưởng",
    "Ban Quản lý dự án đầu tư xây dựng",
    "Đài Phát thanh và Truyền hình",
    "Trung tâm Phục vụ hành chính công",
    "Ban Dân tộc",
]

PLACE_WORDS = [
    "An",
    "Bình",
    "Hòa",
    "Phú",
    "Thạnh",
    "Tân",
    "Long",
    "Phước",
    "Hưng",
    "Thuận",
    "Minh",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Vĩnh",
    "Quang",
    "Thái",
    "Định",
    "Sơn",
    "Lạc",
    "Xuân",
    "Hải",
    "Đức",
    "Nghĩa",
    "Lộc",
    "Khánh",
    "Cẩm",
    "Mỹ",
]

DISTRICTS = ["Đông Sơn", "Tây Hòa", "Nam Phú", "Bắc Bình", "Trung Lương", "Vĩnh An", "Hải Đức"]
NEW_COMMUNES = 60
OLD_COMMUNES_PER_NEW = (2, 3)


def _names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(PLACE_WORDS)} {rng.choice(PLACE_WORDS)}"
        if name not in taken and name.split()[0] != name.split()[1]:
            taken.add(name)
            names.append(name)
    return names


def _when(year: int, month: int, day: int, hour: int = 17) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=TZ)


class DemoLoader:
    def __init__(self, log: Callable[[str], None] = print) -> None:
        self.log = log
        self.rng = random.Random(SEED)
        self.types: dict[str, UnitType] = {}
        self.appraiser: User | None = None  # who appraised the demo's assessments

    def run(self) -> None:
        with transaction.atomic():
            self._unit_types()
            departments = self._departments()
            old_communes, old_districts, new_communes = self._communes()
            self._users(departments, new_communes)
            self.appraiser = User.objects.get(username="thamdinh")
            frameworks = self._frameworks()
            self._period_2024(frameworks, departments, old_communes, old_districts)
            self._period_2025(frameworks, departments, new_communes)
            load_demo_survey(self.log)
        # The dossier store writes files, which a rolled-back transaction could not undo.
        load_demo_dossiers(self.log)
        # Tasks from the 2024 conclusions and the example national table (docs/documents.md).
        with transaction.atomic():
            load_demo_tasks(self.log)
            load_demo_national(self.log)
            # Plans, scenarios, rank intervals, the June projection and early warnings.
            load_demo_plans(self.log)
        # The province's own national self-assessment (docs/national-self-assessment.md).
        with transaction.atomic():
            load_demo_national_self(self.log, pdf=_demo_pdf)
        self.log(
            f"Demo province loaded: {len(departments)} departments, {len(new_communes)} communes/wards, "
            f"{len(old_communes)} former communes, {len(old_districts)} former districts."
        )

    def _unit_types(self) -> None:
        for code, name, level, position in UNIT_TYPES:
            self.types[code], _ = UnitType.objects.get_or_create(
                code=code, defaults={"name": name, "level": level, "position": position}
            )

    def _departments(self) -> list[Unit]:
        province = Unit.objects.create(
            code="TMH",
            name=f"UBND {PROVINCE}",
            unit_type=self.types["ubnd-tinh"],
            notes="Dữ liệu minh họa (demo) — không phải đơn vị thật.",
        )
        return [
            Unit.objects.create(
                code=f"S{number:02d}",
                name=name,
                unit_type=self.types["so"],
                parent=province,
                valid_from=datetime.date(2015, 1, 1),
            )
            for number, name in enumerate(DEPARTMENTS, start=1)
        ]

    def _communes(self) -> tuple[list[Unit], list[Unit], list[Unit]]:
        taken: set[str] = set()
        districts = [
            Unit.objects.create(
                code=f"H{number:02d}",
                name=f"UBND huyện {name}",
                unit_type=self.types["ubnd-huyen"],
                valid_from=datetime.date(2000, 1, 1),
                valid_to=LAST_DAY_OLD,
            )
            for number, name in enumerate(DISTRICTS, start=1)
        ]
        new_names = _names(self.rng, NEW_COMMUNES, taken)
        new_communes: list[Unit] = []
        old_communes: list[Unit] = []
        old_number = 0
        for number, name in enumerate(new_names, start=1):
            if number == NEW_COMMUNES:
                kind, label = "dac-khu", f"Đặc khu {name}"
            elif number % 4 == 0:
                kind, label = "phuong", f"Phường {name}"
            else:
                kind, label = "xa", f"Xã {name}"
            commune = Unit.objects.create(
                code=f"X{number:03d}",
                name=label,
                unit_type=self.types[kind],
                valid_from=REORGANISED,
            )
            new_communes.append(commune)
            district = districts[(number - 1) % len(districts)]
            predecessors = self.rng.randint(*OLD_COMMUNES_PER_NEW)
            # The first merged commune keeps the new name and is the primary predecessor.
            old_names = [name, *_names(self.rng, predecessors - 1, taken)]
            for position, old_name in enumerate(old_names):
                old_number += 1
                old = Unit.objects.create(
                    code=f"C{old_number:03d}",
                    name=f"{label.split()[0]} {old_name} (cũ)",
                    unit_type=commune.unit_type if kind != "dac-khu" else self.types["xa"],
                    parent=district,
                    valid_from=datetime.date(2000, 1, 1),
                    valid_to=LAST_DAY_OLD,
                )
                old_communes.append(old)
                UnitLineage.objects.create(
                    predecessor=old,
                    successor=commune,
                    kind=LineageKind.MERGED_INTO,
                    effective_date=REORGANISED,
                    is_primary=position == 0,
                    legal_basis="Nghị quyết sắp xếp đơn vị hành chính cấp xã (minh họa)",
                )
        return old_communes, districts, new_communes

    def _users(self, departments: list[Unit], communes: list[Unit]) -> None:
        people: list[tuple[str, str, str, Unit | None]] = [  # (login, name, role, unit)
            ("admin", "Quản trị hệ thống", "admin", None),
            ("thamdinh", "Nguyễn Thị Thẩm Định", "appraiser", None),
            ("thamdinh2", "Trần Văn Kiểm", "appraiser", None),
            ("hoidong", "Lê Văn Hội Đồng", "council", None),
            ("lanhdao", "Phạm Minh Lãnh Đạo", "leader", None),
            ("so.canbo", "Hoàng Thị Đầu Mối", "officer", departments[2]),
            ("so.truong", "Vũ Văn Giám Đốc", "head", departments[2]),
            ("xa.canbo", "Đặng Thị Công Chức", "officer", communes[0]),
            ("xa.truong", "Bùi Văn Chủ Tịch", "head", communes[0]),
            ("xa2.canbo", "Đỗ Thị Văn Phòng", "officer", communes[1]),
        ]
        for username, full_name, role, unit in people:
            user = User(
                username=username,
                full_name=full_name,
                role=role,
                unit=unit,
                is_demo=True,
                email=f"{username}@demo.invalid",
                is_staff=role == "admin",
                is_superuser=role == "admin",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()

    def _load(self, file_name: str, **info: Any) -> EngineFramework:
        engine = load_framework(DATA / file_name)
        if info:
            engine = replace(engine, info=replace(engine.info, **info))
        return engine

    def _frameworks(self) -> dict[str, Framework]:
        admin = User.objects.get(username="admin")
        specs = {
            "departments-2025": self._load("example_province_departments_2025.yaml"),
            "communes-2024": self._load("example_province_communes_2024.yaml"),
            "communes-2025": self._load("example_province_communes_2025.yaml"),
        }
        departments_2025 = specs["departments-2025"]
        specs["departments-2024"] = self._load(
            "example_province_departments_2025.yaml",
            code=departments_2025.info.code.replace("2025", "2024"),
            year=2024,
            name=departments_2025.info.name.replace("2025", "2024"),
            legal_basis="QĐ .../QĐ-UBND ngày .../01/2024 của UBND tỉnh (ví dụ)",
        )
        stored: dict[str, Framework] = {}
        for key in ("departments-2024", "communes-2024", "departments-2025", "communes-2025"):
            group, year = key.rsplit("-", 1)
            previous = stored.get(f"{group}-{int(year) - 1}")
            framework = framework_store(
                actor=admin, engine=specs[key], source_name=f"demo:{key}", previous=previous
            )
            problems = framework_publish(actor=admin, framework=framework)
            if problems:
                raise RuntimeError(f"demo framework {key} is invalid: {problems}")
            stored[key] = framework
        return stored

    def _period_2024(
        self,
        frameworks: dict[str, Framework],
        departments: list[Unit],
        communes: list[Unit],
        districts: list[Unit],
    ) -> None:
        """The 2024 year, taken through the same services as a real year: every unit
        appraised, the council approves each group, the administrator publishes."""
        period = AssessmentPeriod.objects.create(
            year=2024,
            name="Đánh giá Chỉ số CCHC năm 2024 (minh họa)",
            status=PeriodStatus.APPRAISAL,
            self_assessment_opens=_when(2024, 11, 1, 8),
            self_assessment_closes=_when(2024, 12, 10),
            explanation_closes=_when(2024, 12, 20),
            appraisal_closes=_when(2025, 1, 10),
            publication_date=datetime.date(2025, 1, 20),
        )
        groups = [
            ("so-nganh", "Sở, ban, ngành", frameworks["departments-2024"], departments),
            ("cap-huyen", "UBND cấp huyện", frameworks["communes-2024"], districts),
            ("cap-xa", "UBND cấp xã", frameworks["communes-2024"], communes),
        ]
        council = User.objects.get(username="hoidong")
        for position, (code, name, framework, units) in enumerate(groups):
            group = UnitGroup.objects.create(
                period=period, code=code, name=name, framework=framework, position=position
            )
            group.units.set(units)
            # Entries for every unit, appraised ≤ self as appraisal usually goes.
            for unit in units:
                self._assess(period, group, unit, State.APPRAISED, fill=1.0)
            group_approve(actor=council, group=group, note="Hội đồng thông qua (minh họa).")
        period_publish(
            actor=User.objects.get(username="admin"),
            period=period,
            decision_number="123/QĐ-UBND (minh họa)",
            decision_date=datetime.date(2025, 1, 20),
        )
        # The demo year lies in the past: its results carry the decision's day, not today's.
        published_at = datetime.datetime(2025, 1, 20, 9, 0, tzinfo=TZ)
        PublishedResult.objects.filter(period=period).update(published_at=published_at)

    def _assess(
        self,
        period: AssessmentPeriod,
        group: UnitGroup,
        unit: Unit,
        state: State,
        fill: float,
        *,
        submitted_at: datetime.datetime | None = None,
        submission: str = Submission.ON_TIME,
        complete: bool = False,
    ) -> Assessment:
        """A unit's assessment with generated entries for a share `fill` of the leaves.

        The unit over-claims a little (its entries come from a stronger draw than the
        appraiser's); survey and data nodes carry demo figures marked as such. A sent
        assessment was sent on time (two days before the deadline) unless told otherwise.
        `complete`: every answered node that needs evidence has it (the head may send).
        """
        sent = period.self_assessment_closes - datetime.timedelta(days=2)
        engine = engine_for_group(group)
        strength = self.rng.uniform(0.45, 0.95)
        claimed = generated_inputs(engine, self.rng, min(strength + 0.1, 1.0))
        appraised = generated_inputs(engine, self.rng, strength)
        appraising = state not in (State.DRAFT, State.SUBMITTED)
        assessment = Assessment.objects.create(
            period=period,
            group=group,
            unit=unit,
            state=state.value,
            submitted_at=None if state == State.DRAFT else submitted_at or sent,
            submission="" if state == State.DRAFT else submission,
            appraiser=self.appraiser if appraising else None,
        )
        document = self._evidence(period, unit)
        entries, links = [], []
        for node in engine.leaves():
            if self.rng.random() > fill:
                continue
            if node.source == "system":
                continue  # filled by the services from how the unit sent (`submission`)
            assert node.rule is not None
            own = claimed.get(node.code) or appraised.get(node.code)
            checked = appraised.get(node.code) or own
            if own is None or checked is None:
                continue
            if node.source != "self":
                entries.append(
                    NodeEntry(
                        assessment=assessment,
                        node_code=node.code,
                        appraised_values=_json(checked.values),
                        appraised_points=node.rule.score(checked.values).points,
                        provenance={"source": node.source, "note": "Số liệu minh họa (demo)"},
                    )
                )
                continue
            entry = NodeEntry(
                assessment=assessment,
                node_code=node.code,
                self_values=_json(own.values),
                self_points=node.rule.score(own.values).points,
                self_explanation=node.rule.score(own.values).explanation,
                note="Số liệu minh họa (demo).",
            )
            if appraising:
                outcome = node.rule.score(checked.values)
                entry.appraised_values = _json(checked.values)
                entry.appraised_points = outcome.points
                entry.appraised_explanation = outcome.explanation
                entry.finalised = state in (State.APPRAISED, State.APPROVED, State.PUBLISHED)
                if checked.values != own.values:
                    entry.reason_code = "wrong_figures"
                    entry.appraiser_comment = (
                        "Số liệu trong báo cáo thấp hơn số tự chấm (minh họa)."
                    )
            entries.append(entry)
            if node.evidence_required and (own.has_evidence or complete):
                links.append(entry)
        NodeEntry.objects.bulk_create(entries)
        EvidenceLink.objects.bulk_create(
            EvidenceLink(
                entry=entry, document=document, location=f"Mục {entry.node_code}, tr. {n + 2}"
            )
            for n, entry in enumerate(links)
        )
        return assessment

    def _evidence(self, period: AssessmentPeriod, unit: Unit) -> EvidenceDocument:
        """One small generated PDF per unit and period, cited by the unit's entries."""
        data = _demo_pdf(f"Bao cao CCHC {period.year} - {unit.code} (du lieu minh hoa)")
        document = EvidenceDocument(
            unit=unit,
            period=period,
            original_name=f"Bao-cao-CCHC-{period.year}-{unit.code}.pdf",
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            content_type="application/pdf",
        )
        document.file.save(f"demo-{period.year}-{unit.code}.pdf", ContentFile(data), save=False)
        document.save()
        return document

    def _period_2025(
        self, frameworks: dict[str, Framework], departments: list[Unit], communes: list[Unit]
    ) -> None:
        """2025, as a province finds it three days after the self-assessment deadline: most
        units sent (two of them late, inside an extension), some are in appraisal, some never
        sent (one already taken into appraisal without its submission, one never even opened
        its assessment), and the demo users' own units (Sở Tài chính, the first commune) have
        an extension, so that a newcomer can still try the self-assessment.

        README.md ("Walking the 2025 year") takes it to publication with the demo accounts."""
        # The deadlines follow the day the demo is loaded: the general deadline passed three
        # days ago; the demo users' units have an extension of 25 days from today.
        today = timezone.localdate()
        opens = datetime.datetime.combine(today - datetime.timedelta(days=40), datetime.time(8), TZ)
        closes = datetime.datetime.combine(
            today - datetime.timedelta(days=3), datetime.time(17), TZ
        )
        open_until = datetime.datetime.combine(
            today + datetime.timedelta(days=25), datetime.time(17), TZ
        )
        period = AssessmentPeriod.objects.create(
            year=2025,
            name="Đánh giá Chỉ số CCHC năm 2025 (minh họa)",
            status=PeriodStatus.OPEN,
            self_assessment_opens=opens,
            self_assessment_closes=closes,
            explanation_closes=open_until + datetime.timedelta(days=5),
            appraisal_closes=open_until + datetime.timedelta(days=15),
            publication_date=(open_until + datetime.timedelta(days=25)).date(),
        )
        appraiser = User.objects.get(username="thamdinh")
        # The demo users' own units may still self-assess; two units sent late inside an
        # extension (the general deadline + 2 days, their extension + 4 days).
        extended = {departments[2], communes[0]}
        late = {departments[3], communes[8]}
        for unit in extended | late:
            extension_grant(
                actor=appraiser,
                period=period,
                unit=unit,
                closes_at=open_until if unit in extended else closes + datetime.timedelta(days=4),
                reason="Gia hạn tự đánh giá (minh họa).",
            )
        never_opened = communes[11]
        taken = {departments[1], communes[6]}  # never sent; already taken into appraisal
        for position, (code, name, framework, units) in enumerate(
            [
                ("so-nganh", "Sở, ban, ngành", frameworks["departments-2025"], departments),
                ("cap-xa", "UBND cấp xã, phường, đặc khu", frameworks["communes-2025"], communes),
            ]
        ):
            group = UnitGroup.objects.create(
                period=period, code=code, name=name, framework=framework, position=position
            )
            group.units.set(units)
            # A realistic mix: some units never sent (drafts past the deadline), most sent,
            # some in appraisal. The demo users' units are half done, in draft (extended).
            for number, unit in enumerate(units):
                if unit == never_opened:
                    continue
                if number == 0 or number % 5 in (1, 2) or unit in extended:
                    state, fill = State.DRAFT, 0.5 if number == 0 else 0.3
                elif number % 5 == 3:
                    state, fill = State.SUBMITTED, 1.0
                else:
                    state, fill = State.IN_APPRAISAL, 1.0
                sent_late = unit in late
                assessment = self._assess(
                    period,
                    group,
                    unit,
                    state,
                    fill,
                    submitted_at=closes + datetime.timedelta(days=2) if sent_late else None,
                    submission=Submission.LATE if sent_late else Submission.ON_TIME,
                    complete=unit in extended,
                )
                if unit in taken:
                    assessment_take_unsubmitted(
                        actor=appraiser,
                        period=period,
                        unit=unit,
                        reason="Đơn vị không gửi báo cáo tự đánh giá (minh họa).",
                    )
                elif state != State.DRAFT:
                    # The framework's submission points (the communes' TRU.2), as the
                    # submission service writes them.
                    submission_points_apply(assessment=assessment)


def _json(values: Any) -> dict[str, Any]:
    """Entry values as stored (JSON): exact decimals as text, which the rules read back."""
    return {
        key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()
    }


def _demo_pdf(text: str) -> bytes:
    """A one-page PDF with `text` (ASCII), small enough to generate for every unit."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def demo_loaded() -> bool:
    return Unit.objects.filter(code="TMH").exists()


def database_is_empty() -> bool:
    return not (Unit.objects.exists() or User.objects.exists() or Framework.objects.exists())


def load_demo(log: Callable[[str], None] = print) -> None:
    DemoLoader(log).run()
