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
2. counts the SQL queries of each page in-process (Django's test client and
   `CaptureQueriesContext`), on the first request of a process and on the next one;
3. starts `gunicorn parindex.web.wsgi -w 2 --threads 4` on 127.0.0.1, logs in over HTTP, and
   for each page and each number of concurrent clients sends `--requests` requests (threads
   with `http.client`, keep-alive, the session cookie), after a warm-up that lets every
   worker compute the group once; prints p50/p95/max latency, errors and queries per page;
4. says whether the goal is met: p95 ≤ 300 ms at 16 clients, no errors. Exits 0 either way.

Pages: the 2025 ranking (`results:group`), a unit's scorecard (`results:scorecard`) and the
unit's self-assessment page (`assessments:self`, measured only if that URL exists).
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


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: str


def pages() -> list[Page]:
    from django.urls import NoReverseMatch, reverse

    from parindex.assessments.models import Assessment
    from parindex.periods.models import UnitGroup

    group = UnitGroup.objects.get(period__year=2025, code="xa")
    assessment = Assessment.objects.select_related("unit").get(group=group, unit__code="BX001")
    found = [
        Page("ranking", reverse("results:group", args=[group.pk]), APPRAISER),
        Page(
            "scorecard",
            reverse("results:scorecard", args=[group.pk, assessment.unit_id]),
            APPRAISER,
        ),
    ]
    try:
        found.append(
            Page("self-assessment", reverse("assessments:self", args=[assessment.pk]), OFFICER)
        )
    except NoReverseMatch:
        print("assessments:self does not exist (yet): the self-assessment page is not measured")
    return found


@dataclass(frozen=True)
class InProcess:
    first_queries: int
    next_queries: int
    first_ms: float
    next_ms: float  # median of 20 warm requests: the server's own cost, without HTTP


def measure_in_process(page_list: list[Page]) -> dict[str, InProcess]:
    """Each page's queries and time in this process: on the first request of a process
    (which scores the group and renders the page) and once both are cached.

    Django keeps the last 9 000 queries only: the limit is raised so that a page with an N+1
    problem is counted in full.
    """
    from collections import deque

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parindex.accounts.models import User

    connection.queries_limit = 10**7
    connection.queries_log = deque(maxlen=connection.queries_limit)
    found = {}
    for page in page_list:
        client = Client()
        client.force_login(
            User.objects.get(username=page.user),
            backend="parindex.accounts.backends.AccountBackend",
        )
        counts, times = [], []
        for _attempt in range(22):
            connection.queries_log.clear()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page.path)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{page.name}: {page.path} answered {response.status_code}")
            counts.append(len(queries.captured_queries))
        found[page.name] = InProcess(counts[0], counts[-1], times[0], statistics.median(times[2:]))
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


def hammer(
    session: Session, path: str, requests: int, clients: int, timeout: float = 60
) -> Measured:
    """`requests` GETs of `path` from `clients` threads, each with its own keep-alive connection."""
    latencies: list[float] = []
    errors = [0]
    first_error = [""]
    lock = threading.Lock()
    shares = [requests // clients + (1 if n < requests % clients else 0) for n in range(clients)]

    def client(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", session.port, timeout=timeout)
        for _ in range(count):
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": session.cookie})
                response = connection.getresponse()
                response.read()
                ok, status = response.status == 200, str(response.status)
            except (OSError, http.client.HTTPException) as error:
                ok, status = False, repr(error)
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", session.port, timeout=timeout)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1
                    first_error[0] = first_error[0] or status
        connection.close()

    threads = [threading.Thread(target=client, args=(share,)) for share in shares if share]
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
    page_list = pages()
    in_process = measure_in_process(page_list)

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    connection.close()

    port = _free_port()
    server_process = start_gunicorn(port, env, args.workers, args.threads)
    levels = [int(level) for level in args.clients.split(",") if level.strip()]
    rows: list[tuple[Any, ...]] = []
    try:
        sessions = {user: Session(port, user) for user in {page.user for page in page_list}}
        for page in page_list:
            session = sessions[page.user]
            # Warm-up, not measured: every worker scores the group once (then caches it); its
            # slowest request is what the first visitor after a change waits.
            parallel = args.workers * args.threads
            warm = hammer(session, page.path, 2 * parallel, parallel, timeout=900)
            cold_ms = max(warm.latencies_ms)
            if warm.errors:
                print(f"{page.name}: warm-up errors: {warm.errors} ({warm.first_error})")
            for clients in levels:
                measured = hammer(session, page.path, args.requests, clients)
                lat = measured.latencies_ms
                rows.append(
                    (
                        page.name,
                        clients,
                        len(lat),
                        statistics.median(lat),
                        percentile(lat, 0.95),
                        max(lat),
                        measured.errors,
                        measured.first_error,
                        in_process[page.name],
                        cold_ms,
                    )
                )
    finally:
        server_process.terminate()
        server_process.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)

    print()
    print(
        f"PostgreSQL {server}, gunicorn -w {args.workers} --threads {args.threads}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end; "
        f"{args.units} units × ~{args.nodes} nodes, SYNTHETIC demo data"
    )
    header = (
        f"{'page':<16} {'clients':>7} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        f" {'errors':>6} {'queries 1st/next':>17} {'in-process ms 1st/next':>23}"
        f" {'warm-up max ms':>15}"
    )
    print(header)
    print("-" * len(header))
    for name, clients, count, p50, p95, worst, errors, _first, inside, cold in rows:
        queries = f"{inside.first_queries} / {inside.next_queries}"
        timing = f"{inside.first_ms:.0f} / {inside.next_ms:.1f}"
        print(
            f"{name:<16} {clients:>7} {count:>8} {p50:>8.1f} {p95:>8.1f} {worst:>8.1f}"
            f" {errors:>6} {queries:>17} {timing:>23} {cold:>15.0f}"
        )
    for name, _clients, _count, _p50, _p95, _worst, errors, first_error, _q, _cold in rows:
        if errors:
            print(f"{name}: first error: {first_error}")
    at_goal = [row for row in rows if row[1] == GOAL_CLIENTS]
    met = bool(at_goal) and all(row[4] <= GOAL_P95_MS and row[6] == 0 for row in at_goal)
    print(
        f"\ngoal: p95 ≤ {GOAL_P95_MS:.0f} ms at {GOAL_CLIENTS} clients, no errors: "
        f"{'MET' if met else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
