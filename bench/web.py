"""Web benchmark: a province of 150 units × a 150-node framework on PostgreSQL behind gunicorn.

    scripts/with-postgres .venv/bin/python bench/web.py          # a throwaway PostgreSQL
    .venv/bin/python bench/web.py                                # the same (re-runs itself so)
    DATABASE_URL=postgres://… .venv/bin/python bench/web.py      # build once, reuse after
    .venv/bin/python bench/web.py --units 150 --nodes 150 --requests 200 --clients 1,16

What it does:

1. builds (or reuses, when the database already holds it) a province of SYNTHETIC demo data:
   `--units` communes, a framework of about `--nodes` nodes for 2024 and 2025 (the generator
   of bench/engine.py), full entries for every unit and leaf in both years (both sides, with
   evidence links on 90 % of the leaves that need them), 2024 published from those entries,
   2025 in appraisal; all rows bulk-created;
2. sets up deadline day (every run, idempotent): the first `max(--clients)` units are back in
   draft with an extension that still runs and an officer each (`bench.canbo`,
   `bench.canbo.02`, …), so that their self-assessment pages are editable, as on the day every
   unit's officer saves at once; the last units stay in appraisal for the appraiser;
3. counts the SQL queries of each page and of each saving request in-process (Django's test
   client and `CaptureQueriesContext`), on the first request of a process and on the next one;
4. starts `gunicorn parindex.web.wsgi -w 2 --threads 4` on 127.0.0.1, logs in over HTTP, and
   for each page and each number of concurrent clients sends `--requests` requests (threads
   with `http.client`, keep-alive, the session cookie), after a warm-up that lets every
   worker compute the group once; prints p50/p95/max latency, errors and queries per request;
5. says whether the goal is met: p95 ≤ 300 ms at 16 clients, no errors, for every page and
   saving request measured. Exits 0 either way.

Pages (GET): the 2025 ranking (`results:group`), a unit's scorecard (`results:scorecard`),
the self-assessment page of a unit in draft (`assessments:self`, its officer) and one of its
areas fetched on demand (`assessments:self_area`, when that URL exists), the appraisal page of
a unit in appraisal (`assessments:appraise`, the appraiser) and one of its areas
(`assessments:appraise_area`, when it exists).

Saving requests (POST, as htmx sends them: `HX-Request`, the CSRF header): "save (self)" —
each client is another unit's officer saving a yes/no criterion of its own unit, alternately
yes and no, with the version the previous answer returned (optimistic locking: a 409 counts
as an error); "save (appraisal)" — the appraiser saves a criterion of a different unit per
client, the same way. A save's answer is what htmx swaps in: the row, its parents' totals and
the progress (out of band).

Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import math
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS = 300.0
GOAL_CLIENTS = 16
PASSWORD = "bench-parindex-2025"
APPRAISER = "bench.thamdinh"
OFFICER = "bench.canbo"
SEED = 2025


def _engine_bench() -> Any:
    """bench/engine.py's synthetic framework and entries (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_engine", ROOT / "bench" / "engine.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_engine"] = module
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the province ---------------------------------------------------------------------------


def build_province(units: int, nodes: int) -> None:
    """Create the synthetic province unless the database already holds it."""
    import datetime
    from zoneinfo import ZoneInfo

    from django.core.files.base import ContentFile
    from django.db import transaction

    from parindex.accounts.models import User
    from parindex.assessments.models import Assessment, EvidenceDocument, EvidenceLink, NodeEntry
    from parindex.criteria.models import Framework
    from parindex.criteria.services import framework_publish, framework_store
    from parindex.engine import NodeInput, build_framework, rank_group, score_group, unit_results
    from parindex.periods.models import AssessmentPeriod, PublishedResult, UnitGroup
    from parindex.units.models import Unit, UnitType

    if Framework.objects.filter(code="BENCH-2025").exists():
        found = Unit.objects.filter(code__startswith="BX").count()
        print(f"reusing the province already in the database ({found} units)")
        return
    bench_engine = _engine_bench()
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    started = time.perf_counter()
    with transaction.atomic():
        commune = UnitType.objects.create(code="bench-xa", name="Xã", level="commune", position=3)
        unit_rows = Unit.objects.bulk_create(
            Unit(
                code=f"BX{number:03d}",
                name=f"Xã Minh Họa {number:03d} (dữ liệu demo)",
                unit_type=commune,
            )
            for number in range(1, units + 1)
        )
        admin = User(username="bench.admin", full_name="Quản trị (benchmark)", role="admin")
        admin.set_password(secrets.token_urlsafe(16))
        admin.save()
        appraiser = User(
            username=APPRAISER, full_name="Thẩm định viên (benchmark)", role="appraiser"
        )
        appraiser.set_password(PASSWORD)
        appraiser.save()
        officer = User(
            username=OFFICER, full_name="Cán bộ (benchmark)", role="officer", unit=unit_rows[0]
        )
        officer.set_password(PASSWORD)
        officer.save()

        stored = {}
        previous = None
        for year in (2024, 2025):
            engine = build_framework(bench_engine.synthetic_spec(nodes, year, SEED))
            framework = framework_store(actor=admin, engine=engine, previous=previous)
            framework_publish(actor=admin, framework=framework)
            stored[year] = (framework, engine)
            previous = framework

        def period(year: int, status: str) -> AssessmentPeriod:
            return AssessmentPeriod.objects.create(
                year=year,
                name=f"Kỳ {year} (dữ liệu demo, benchmark)",
                status=status,
                self_assessment_opens=datetime.datetime(year, 11, 1, 8, tzinfo=tz),
                self_assessment_closes=datetime.datetime(year, 12, 10, 17, tzinfo=tz),
                explanation_closes=datetime.datetime(year, 12, 20, 17, tzinfo=tz),
                appraisal_closes=datetime.datetime(year + 1, 1, 10, 17, tzinfo=tz),
                publication_date=datetime.date(year + 1, 1, 20),
                decision_number="1/QĐ-UBND (demo)" if status == "published" else "",
            )

        rng = random.Random(SEED)
        codes = [unit.code for unit in unit_rows]
        for year, status, state in (
            (2024, "published", "published"),
            (2025, "appraisal", "in_appraisal"),
        ):
            framework, engine = stored[year]
            assessment_period = period(year, status)
            group = UnitGroup.objects.create(
                period=assessment_period, code="xa", name="UBND cấp xã", framework=framework
            )
            group.units.set(unit_rows)
            assessments = Assessment.objects.bulk_create(
                Assessment(period=assessment_period, group=group, unit=unit, state=state)
                for unit in unit_rows
            )
            inputs = bench_engine.synthetic_inputs(engine, codes, SEED + year)
            entries: list[NodeEntry] = []
            linked: list[int] = []
            scoring: dict[str, dict[str, Any]] = {}
            for assessment, unit in zip(assessments, unit_rows, strict=True):
                scoring[unit.code] = {}
                for code, entry_input in inputs[unit.code].items():
                    node = engine.nodes[code]
                    values = {
                        key: str(value) if isinstance(value, Decimal) else value
                        for key, value in entry_input.values.items()
                    }
                    evidence = node.evidence_required and entry_input.has_evidence
                    if node.source == "self":
                        entries.append(
                            NodeEntry(
                                assessment=assessment,
                                node_code=code,
                                self_values=values,
                                appraised_values=values,
                            )
                        )
                        if evidence:
                            linked.append(len(entries) - 1)
                        scoring[unit.code][code] = NodeInput(values, has_evidence=evidence)
                    else:
                        entries.append(
                            NodeEntry(
                                assessment=assessment, node_code=code, appraised_values=values
                            )
                        )
                        scoring[unit.code][code] = NodeInput(values, has_evidence=True)
            NodeEntry.objects.bulk_create(entries, batch_size=2000)
            documents = {}
            for assessment, unit in zip(assessments, unit_rows, strict=True):
                document = EvidenceDocument(
                    unit=unit,
                    period=assessment_period,
                    original_name=f"bao-cao-{unit.code}-{year}.pdf",
                    sha256=f"{year}{unit.code}".ljust(64, "0"),
                    size=9,
                    content_type="application/pdf",
                )
                document.file.save(
                    f"bench-{year}-{unit.code}.pdf", ContentFile(b"%PDF-demo"), save=False
                )
                document.save()
                documents[assessment.pk] = document
            EvidenceLink.objects.bulk_create(
                (
                    EvidenceLink(
                        entry=entries[position],
                        document=documents[entries[position].assessment_id],
                        location=f"tr. {rng.randint(1, 40)}",
                    )
                    for position in linked
                ),
                batch_size=2000,
            )
            if status == "published":
                results = unit_results(score_group(engine, {code: scoring[code] for code in codes}))
                ranking = rank_group(results)
                by_code = {unit.code: unit for unit in unit_rows}
                PublishedResult.objects.bulk_create(
                    PublishedResult(
                        period=assessment_period,
                        group=group,
                        unit=by_code[result.unit],
                        total=result.total,
                        max_total=result.max_total,
                        index=result.index,
                        rank=ranking.ranks[result.unit],
                        ranked_units=ranking.size,
                        class_label=ranking.classes[result.unit],
                        areas=[
                            {
                                "code": area.code,
                                "points": str(result.nodes[area.code].points),
                                "max_points": str(area.max_points),
                                "rank": ranking.area_ranks[area.code][result.unit],
                            }
                            for area in engine.areas
                        ],
                        published_at=datetime.datetime(year + 1, 1, 20, 9, tzinfo=tz),
                    )
                    for result in results
                )
    count = NodeEntry.objects.count()
    print(
        f"built {units} units × {nodes}-node frameworks, 2 years, {count} entries "
        f"in {time.perf_counter() - started:.1f} s"
    )


# --- deadline day -------------------------------------------------------------------------------


def officer_name(number: int) -> str:
    """The officer of unit BX<number>: `bench.canbo` for the first (older runs), then numbered."""
    return OFFICER if number == 1 else f"{OFFICER}.{number:02d}"


def prepare_deadline_day(drafts: int) -> None:
    """The first `drafts` units back in draft with an extension running for 30 more days and an
    officer each (idempotent: run on every start, on a new or a reused province)."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from parindex.accounts.models import User
    from parindex.assessments.models import Assessment
    from parindex.periods.models import DeadlineExtension
    from parindex.units.models import Unit

    closes = timezone.now() + datetime.timedelta(days=30)
    with transaction.atomic():
        units = list(Unit.objects.filter(code__startswith="BX").order_by("code")[:drafts])
        Assessment.objects.filter(period__year=2025, unit__in=units).update(
            state="draft",
            submission="",
            submitted_at=None,
            submitted_by=None,
            updated_at=timezone.now(),
        )
        for number, unit in enumerate(units, start=1):
            extension = DeadlineExtension.objects.filter(period__year=2025, unit=unit).first()
            if extension is None:
                assessment = Assessment.objects.get(period__year=2025, unit=unit)
                DeadlineExtension.objects.create(
                    period_id=assessment.period_id,
                    unit=unit,
                    closes_at=closes,
                    reason="Benchmark: ngày hết hạn (dữ liệu demo)",
                )
            else:
                extension.closes_at = closes
                extension.save(update_fields=["closes_at"])
            username = officer_name(number)
            if not User.objects.filter(username=username).exists():
                officer = User(
                    username=username,
                    full_name=f"Cán bộ {unit.code} (benchmark)",
                    role="officer",
                    unit=unit,
                )
                officer.set_password(PASSWORD)
                officer.save()


# --- what is measured ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: str
    htmx: bool = False  # a fragment htmx fetches (sent with `HX-Request: true`)


@dataclass(frozen=True)
class Target:
    """One client's saving request: who posts, where, and the two answers it alternates."""

    user: str
    path: str
    assessment: int
    code: str
    answers: tuple[dict[str, str], dict[str, str]]


@dataclass(frozen=True)
class Save:
    name: str
    targets: list[Target]  # one per client (client n posts targets[n % len])


def _group_and_engine() -> tuple[Any, Any]:
    from parindex.assessments.selectors import engine_for_group
    from parindex.periods.models import UnitGroup

    group = UnitGroup.objects.select_related("framework", "period").get(
        period__year=2025, code="xa"
    )
    return group, engine_for_group(group)


def _yes_no_leaf(engine: Any, area_index: int = 0) -> str:
    """A self-assessed yes/no criterion of the area (the first area by default)."""
    area = engine.areas[area_index]
    for node in engine.walk():
        if (
            node.is_leaf
            and node.source == "self"
            and node.rule is not None
            and node.rule.name == "boolean"
            and engine.area_of(node.code).code == area.code
        ):
            return str(node.code)
    raise SystemExit(f"no self-assessed yes/no criterion in area {area.code}")


def _reverse(name: str, *args: Any) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def pages() -> list[Page]:
    from parindex.assessments.models import Assessment

    group, engine = _group_and_engine()
    own = Assessment.objects.select_related("unit").get(group=group, unit__code="BX001")
    appraised = (
        Assessment.objects.select_related("unit")
        .filter(group=group, state="in_appraisal")
        .order_by("-unit__code")
        .first()
    )
    if appraised is None:
        raise SystemExit("no unit in appraisal: use more --units than clients")
    found = [
        Page("ranking", _reverse("results:group", group.pk) or "", APPRAISER),
        Page("scorecard", _reverse("results:scorecard", group.pk, own.unit_id) or "", APPRAISER),
    ]
    second_area = engine.areas[1].code if len(engine.areas) > 1 else engine.areas[0].code
    optional = (
        ("self-assessment", "assessments:self", (own.pk,), OFFICER, False),
        ("self area", "assessments:self_area", (own.pk, second_area), OFFICER, True),
        ("appraisal", "assessments:appraise", (appraised.pk,), APPRAISER, False),
        (
            "appraisal area",
            "assessments:appraise_area",
            (appraised.pk, second_area),
            APPRAISER,
            True,
        ),
    )
    for name, url_name, args, user, htmx in optional:
        path = _reverse(url_name, *args)
        if path is None:
            print(f"{url_name} does not exist (yet): «{name}» is not measured")
        else:
            found.append(Page(name, path, user, htmx))
    return found


def saves(clients: int) -> list[Save]:
    """The self-assessment saves of `clients` officers (one unit each) and the appraiser's
    saves on `clients` units in appraisal."""
    from parindex.assessments.models import Assessment

    group, engine = _group_and_engine()
    code = _yes_no_leaf(engine)
    drafts = list(
        Assessment.objects.filter(group=group, state="draft")
        .select_related("unit")
        .order_by("unit__code")[:clients]
    )
    appraised = list(
        Assessment.objects.filter(group=group, state="in_appraisal")
        .select_related("unit")
        .order_by("-unit__code")[:clients]
    )
    found = []
    own_path = "assessments:entry_save"
    if drafts and _reverse(own_path, drafts[0].pk, code):
        found.append(
            Save(
                "save (self)",
                [
                    Target(
                        officer_name(int(assessment.unit.code[2:])),
                        _reverse(own_path, assessment.pk, code) or "",
                        assessment.pk,
                        code,
                        ({"v_value": "yes", "note": "benchmark"}, {"v_value": "no"}),
                    )
                    for assessment in drafts
                ],
            )
        )
    if appraised:
        found.append(
            Save(
                "save (appraisal)",
                [
                    Target(
                        APPRAISER,
                        _reverse("assessments:appraise_entry", assessment.pk, code) or "",
                        assessment.pk,
                        code,
                        (
                            {"v_value": "yes", "reason_code": "wrong_figures", "comment": "x"},
                            {"v_value": "no", "reason_code": "wrong_figures", "comment": "y"},
                        ),
                    )
                    for assessment in appraised
                ],
            )
        )
    return found


def entry_version(target: Target) -> int:
    from parindex.assessments.models import NodeEntry

    entry = NodeEntry.objects.filter(assessment_id=target.assessment, node_code=target.code).first()
    return entry.version if entry is not None else 1


@dataclass(frozen=True)
class InProcess:
    first_queries: int
    next_queries: int
    first_ms: float
    next_ms: float  # median of the warm requests: the server's own cost, without HTTP


def _client(username: str) -> Any:
    from django.test import Client

    from parindex.accounts.models import User

    client = Client()
    client.force_login(
        User.objects.get(username=username), backend="parindex.accounts.backends.AccountBackend"
    )
    return client


def measure_in_process(page_list: list[Page], save_list: list[Save]) -> dict[str, InProcess]:
    """Each page's and saving request's queries and time in this process: on the first request
    of a process (which scores the group and renders the page) and once both are cached.

    Django keeps the last 9 000 queries only: the limit is raised so that a page with an N+1
    problem is counted in full.
    """
    from collections import deque

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_limit = 10**7
    connection.queries_log = deque(maxlen=connection.queries_limit)
    found = {}

    def timed(
        client: Any, name: str, path: str, data: dict[str, str] | None, htmx: bool = True
    ) -> tuple[int, float]:
        connection.queries_log.clear()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            if data is None:
                response = client.get(path, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
            else:
                response = client.post(path, data, HTTP_HX_REQUEST="true")
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} answered {response.status_code}")
        return len(queries.captured_queries), elapsed

    for page in page_list:
        client = _client(page.user)
        runs = [timed(client, page.name, page.path, None, page.htmx) for _attempt in range(22)]
        found[page.name] = InProcess(
            runs[0][0], runs[-1][0], runs[0][1], statistics.median(r[1] for r in runs[2:])
        )
    for save in save_list:
        target = save.targets[0]
        client = _client(target.user)
        runs = []
        for attempt in range(12):
            data = {**target.answers[attempt % 2], "version": str(entry_version(target))}
            runs.append(timed(client, save.name, target.path, data))
        found[save.name] = InProcess(
            runs[0][0], runs[-1][0], runs[0][1], statistics.median(r[1] for r in runs[2:])
        )
    return found


# --- the HTTP side ---------------------------------------------------------------------------


class Session:
    """A logged-in user's cookies, for `http.client` connections to the server."""

    def __init__(self, port: int, username: str) -> None:
        self.port = port
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/login/")
        response = connection.getresponse()
        body = response.read().decode()
        cookies = _cookies(response)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if token is None:
            raise SystemExit("no CSRF token on the login page")
        form = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={token.group(1)}"
        connection.request(
            "POST",
            "/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": _cookie_header(cookies),
            },
        )
        response = connection.getresponse()
        response.read()
        cookies.update(_cookies(response))
        if response.status != 302 or "sessionid" not in cookies:
            raise SystemExit(f"login as {username} failed ({response.status})")
        self.cookie = _cookie_header(cookies)
        self.csrf = cookies.get("csrftoken", "")  # htmx sends it as X-CSRFToken
        connection.close()


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
    return found


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


@dataclass
class Measured:
    latencies_ms: list[float]
    errors: int
    first_error: str


class Caller:
    """What one client thread sends: the same GET again and again (a page, or a fragment
    htmx fetches)."""

    def __init__(self, session: Session, path: str, htmx: bool = False) -> None:
        self.session, self.path, self.htmx = session, path, htmx

    def request(self) -> tuple[str, str, str | None, dict[str, str]]:
        headers = {"Cookie": self.session.cookie}
        if self.htmx:
            headers["HX-Request"] = "true"
        return "GET", self.path, None, headers

    def answered(self, status: int, body: bytes) -> bool:
        return status == 200


class SaveCaller(Caller):
    """One client saving its criterion as htmx does, alternating two answers, each with the
    version the previous answer gave back (a 409 would mean the optimistic lock refused it)."""

    def __init__(self, session: Session, target: Target, version: int) -> None:
        super().__init__(session, target.path)
        self.target, self.version, self.sent = target, version, 0

    def request(self) -> tuple[str, str, str | None, dict[str, str]]:
        answer = {**self.target.answers[self.sent % 2], "version": str(self.version)}
        self.sent += 1
        headers = {
            "Cookie": self.session.cookie,
            "X-CSRFToken": self.session.csrf,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return "POST", self.path, urllib.parse.urlencode(answer), headers

    def answered(self, status: int, body: bytes) -> bool:
        found = re.search(rb'name="version" value="(\d+)"', body)
        if found is not None:
            self.version = int(found.group(1))
        return status == 200 and found is not None


def hammer(callers: list[Caller], requests: int, timeout: float = 60) -> Measured:
    """`requests` requests from one thread per caller (each with its own keep-alive
    connection), shared out evenly."""
    clients = len(callers)
    latencies: list[float] = []
    errors = [0]
    first_error = [""]
    lock = threading.Lock()
    shares = [requests // clients + (1 if n < requests % clients else 0) for n in range(clients)]

    def client(caller: Caller, count: int) -> None:
        port = caller.session.port
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        for _ in range(count):
            method, path, body, headers = caller.request()
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
                ok, status = caller.answered(response.status, content), str(response.status)
            except (OSError, http.client.HTTPException) as error:
                ok, status = False, repr(error)
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1
                    first_error[0] = first_error[0] or f"{method} {path}: {status}"
        connection.close()

    threads = [
        threading.Thread(target=client, args=(caller, share))
        for caller, share in zip(callers, shares, strict=True)
        if share
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Measured(latencies, errors[0], first_error[0])


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with `share` of the values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def start_gunicorn(
    port: int, env: dict[str, str], workers: int, threads: int
) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    process = subprocess.Popen(
        [
            gunicorn,
            "parindex.web.wsgi",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit("gunicorn exited before listening") from None
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start listening within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--nodes", type=int, default=150)
    parser.add_argument("--requests", type=int, default=200, help="per page and concurrency")
    parser.add_argument("--clients", default="1,16", help="comma-separated concurrency levels")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        # A throwaway PostgreSQL for this run (scripts/with-postgres exports DATABASE_URL).
        script = ROOT / "scripts" / "with-postgres"
        os.execv(str(script), [str(script), sys.executable, __file__, *sys.argv[1:]])
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/web.py measures PostgreSQL: DATABASE_URL must be postgres://…")

    data_dir = Path(tempfile.mkdtemp(prefix="parindex-bench-web-"))
    (data_dir / "static").mkdir()  # WhiteNoise warns on every worker without it
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "parindex.web.settings",
        "PARINDEX_SECRET_KEY": secrets.token_urlsafe(32),
        "PARINDEX_DATA_DIR": str(data_dir),
        "PARINDEX_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "PARINDEX_INSECURE_HTTP": "1",  # plain HTTP on loopback: cookies without the Secure flag
        "PARINDEX_LOG_LEVEL": "WARNING",
        "PARINDEX_DEBUG": "",
        "PARINDEX_DEMO": "",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    build_province(args.units, args.nodes)
    levels = [int(level) for level in args.clients.split(",") if level.strip()]
    most = max(levels)
    if args.units < 2 * most:
        raise SystemExit(f"--units must be at least twice the largest --clients ({most})")
    prepare_deadline_day(most)
    page_list = pages()
    save_list = saves(most)
    in_process = measure_in_process(page_list, save_list)
    versions = {
        (save.name, n): entry_version(target)
        for save in save_list
        for n, target in enumerate(save.targets)
    }

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    connection.close()

    port = _free_port()
    server_process = start_gunicorn(port, env, args.workers, args.threads)
    rows: list[tuple[Any, ...]] = []
    load_during: list[float] = []
    try:
        users = {page.user for page in page_list}
        users |= {target.user for save in save_list for target in save.targets}
        sessions = {user: Session(port, user) for user in sorted(users)}
        parallel = args.workers * args.threads
        for page in page_list:
            session = sessions[page.user]
            # Warm-up, not measured: every worker scores the group once (then caches it); its
            # slowest request is what the first visitor after a change waits.
            warm = hammer(
                [Caller(session, page.path, page.htmx)] * parallel, 2 * parallel, timeout=900
            )
            if warm.errors:
                print(f"{page.name}: warm-up errors: {warm.errors} ({warm.first_error})")
            for clients in levels:
                measured = hammer([Caller(session, page.path, page.htmx)] * clients, args.requests)
                load_during.append(os.getloadavg()[0])
                rows.append((page.name, clients, measured, in_process[page.name], warm))
        for save in save_list:
            # Each client its own target (another unit), with the version it last saw.
            callers = [
                SaveCaller(sessions[target.user], target, versions[(save.name, n)])
                for n, target in enumerate(save.targets)
            ]
            warm = hammer(callers[:parallel], 2 * parallel, timeout=900)
            if warm.errors:
                print(f"{save.name}: warm-up errors: {warm.errors} ({warm.first_error})")
            for clients in levels:
                measured = hammer(callers[:clients], args.requests)
                load_during.append(os.getloadavg()[0])
                rows.append((save.name, clients, measured, in_process[save.name], warm))
    finally:
        server_process.terminate()
        server_process.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)

    print()
    print(
        f"PostgreSQL {server}, gunicorn -w {args.workers} --threads {args.threads}, "
        f"{os.cpu_count()} CPUs, load average (1 min) {min(load_during):.1f}–"
        f"{max(load_during):.1f} while measuring, {os.getloadavg()[0]:.1f} at the end; "
        f"{args.units} units × ~{args.nodes} nodes, SYNTHETIC demo data"
    )
    header = (
        f"{'request':<17} {'clients':>7} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'max ms':>8} {'errors':>6} {'queries 1st/next':>17} {'in-process ms 1st/next':>23}"
        f" {'warm-up max ms':>15}"
    )
    print(header)
    print("-" * len(header))
    for name, clients, measured, inside, warm in rows:
        lat = measured.latencies_ms
        queries = f"{inside.first_queries} / {inside.next_queries}"
        timing = f"{inside.first_ms:.0f} / {inside.next_ms:.1f}"
        print(
            f"{name:<17} {clients:>7} {len(lat):>8} {statistics.median(lat):>8.1f}"
            f" {percentile(lat, 0.95):>8.1f} {max(lat):>8.1f} {measured.errors:>6}"
            f" {queries:>17} {timing:>23} {max(warm.latencies_ms):>15.0f}"
        )
    for name, clients, measured, _inside, _warm in rows:
        if measured.errors:
            print(f"{name} at {clients} clients: first error: {measured.first_error}")
    at_goal = [row for row in rows if row[1] == GOAL_CLIENTS]
    met = bool(at_goal) and all(
        percentile(row[2].latencies_ms, 0.95) <= GOAL_P95_MS and row[2].errors == 0
        for row in at_goal
    )
    print(
        f"\ngoal: p95 ≤ {GOAL_P95_MS:.0f} ms at {GOAL_CLIENTS} clients, no errors, every page "
        f"and saving request: {'MET' if met else 'MISSED'}"
    )
    missed = [
        row[0]
        for row in at_goal
        if percentile(row[2].latencies_ms, 0.95) > GOAL_P95_MS or row[2].errors
    ]
    if missed:
        print("missed by: " + ", ".join(missed))


if __name__ == "__main__":
    main()
