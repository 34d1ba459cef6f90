"""Push throughput of the REST API: dossiers per second for a batch of 100 000.

    .venv/bin/python bench/api_push.py                     # 100 000 dossiers, one run
    .venv/bin/python bench/api_push.py --dossiers 20000 --repeat 2

What it does, in a throwaway data folder (SQLite, `PARINDEX_DATA_DIR` of its own):

1. migrates, creates the demo province's units (parindex/data/servicedata/units.csv) and an
   appraiser account with an API token scoped to `dossiers.push` (`manage.py api_token`);
2. generates `--dossiers` canonical records (`parindex.servicedata.generate_demo`, GENERATED
   data, generic format as JSON Lines) and reads them as JSON objects;
3. starts gunicorn (1 worker) on a free loopback port with the push handled inside the request
   (`PARINDEX_API_PUSH_SYNC_LIMIT` above the batch: the figure is the pipeline's, without the
   job queue's wait), then POSTs over HTTP:
   - the batch as a JSON array (new records: checks, ledger lookup, import, ledger write);
   - the same batch again (the same bytes: recognised at once, nothing written);
   - the same records with every other one changed and a newer `updated_at` (half left out as
     unchanged through the ledger, half imported);
   - the batch as JSON Lines into a fresh store (the other body format);
4. imports the same records as a CSV file with the command line (`parindex dossiers import`,
   no HTTP, no ledger) as the reference, in the same run.

Prints seconds and dossiers per second for each, and the push/file ratio. Exits 0 always.
Only the loopback address is used.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


SETUP = """
import csv
from parindex.accounts.models import Role, User
from parindex.units.models import Unit, UnitType
kind, _ = UnitType.objects.get_or_create(code="demo", defaults={"name": "Đơn vị", "level": "commune"})
with open("parindex/data/servicedata/units.csv", encoding="utf-8") as handle:
    rows = list(csv.DictReader(handle))
Unit.objects.bulk_create(
    [Unit(code=row["code"], name=row["name"], unit_type=kind) for row in rows],
    ignore_conflicts=True,
)
User.objects.get_or_create(username="bench.motcua", defaults={"role": Role.APPRAISER, "full_name": "Một cửa (bench)"})
"""


def _post(url: str, token: str, body: bytes, content_type: str) -> tuple[float, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            payload = json.loads(response.read())
    except urllib.error.HTTPError as error:
        payload = {"error": error.code, "body": error.read()[:500].decode("utf-8", "replace")}
    return time.perf_counter() - started, payload


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not start: {url}")


def _line(name: str, seconds: float, count: int, report: dict[str, Any]) -> None:
    counts = ", ".join(
        f"{key} {report.get(key)}"
        for key in ("read", "imported", "rejected", "unchanged", "outdated")
        if key in report
    )
    extra = " (already pushed)" if report.get("already_imported") else ""
    if "error" in report:
        counts = f"HTTP {report['error']}: {report['body']}"
    print(f"  {name:<38} {seconds:8.2f} s  {count / seconds:10,.0f} dossiers/s   {counts}{extra}")


def run(dossiers: int, repeat: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="parindex-bench-push-"))
    env = {
        **os.environ,
        "PARINDEX_DEBUG": "1",
        "PARINDEX_DATA_DIR": str(folder / "data"),
        "PARINDEX_JOB_RUNNER": "immediate",
        "PARINDEX_API_PUSH_SYNC_LIMIT": str(10 * dossiers + 1),
        "PARINDEX_API_RATE_LIMIT": "100000",
        "PARINDEX_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    server = None
    try:
        print(f"data folder {folder} (SQLite), {dossiers:,} GENERATED dossiers")
        _manage(env, "migrate", "--no-input")
        _manage(env, "shell", "-c", SETUP)
        token = _manage(
            env, "api_token", "bench.motcua", "--name", "bench", "--scope", "dossiers.push"
        ).strip()
        subprocess.run(
            [
                sys.executable, "-m", "parindex.servicedata.generate_demo",
                "--dossiers", str(dossiers), "--year", "2025", "--style", "generic",
                "--format", "jsonl", "--out", str(folder / "gen"),
            ],
            cwd=ROOT, check=True, capture_output=True, env=env,
        )  # fmt: skip
        source = next((folder / "gen").glob("*.jsonl"))
        with source.open(encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
        print(
            f"records: {len(records):,} from {source.name} ({source.stat().st_size / 1e6:.1f} MB)"
        )

        port = _free_port()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"), "parindex.web.wsgi", "-w", "1", "--threads", "2",
                "-b", f"127.0.0.1:{port}", "--timeout", "3600",
            ],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        _wait(f"{base}/healthz")
        url = f"{base}/api/v1/dossiers/push"
        batch = json.dumps(records).encode("utf-8")
        print(f"JSON body {len(batch) / 1e6:.1f} MB; gunicorn 1 worker on 127.0.0.1:{port}")
        print("push over HTTP (inside the request):")
        first = 0.0
        for attempt in range(repeat):
            if attempt:  # a fresh store each time: every record new
                shutil.rmtree(folder / "data" / "servicedata" / "dossiers", ignore_errors=True)
                shutil.rmtree(folder / "data" / "servicedata" / "push", ignore_errors=True)
                (folder / "data" / "servicedata" / "manifest.json").unlink(missing_ok=True)
            seconds, report = _post(url, token, batch, "application/json")
            _line(f"new batch, JSON array (run {attempt + 1})", seconds, len(records), report)
            first = first or seconds
        seconds, report = _post(url, token, batch, "application/json")
        _line("the same batch again", seconds, len(records), report)
        changed = [
            {**record, "updated_at": "2026-01-02T08:00:00+07:00"} if index % 2 else record
            for index, record in enumerate(records)
        ]
        seconds, report = _post(url, token, json.dumps(changed).encode(), "application/json")
        _line("half changed (newer updated_at)", seconds, len(records), report)
        shutil.rmtree(folder / "data" / "servicedata" / "dossiers", ignore_errors=True)
        shutil.rmtree(folder / "data" / "servicedata" / "push", ignore_errors=True)
        (folder / "data" / "servicedata" / "manifest.json").unlink(missing_ok=True)
        lines = "\n".join(json.dumps(record) for record in records).encode("utf-8")
        seconds, report = _post(url, token, lines, "application/x-ndjson")
        _line("new batch, JSON Lines", seconds, len(records), report)
        server.terminate()
        server.wait(timeout=30)
        server = None

        csv_path = folder / "ho-so.csv"
        columns = sorted({key for record in records for key in record})
        with csv_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(records)
        started = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "parindex"), "dossiers", "import", str(csv_path), "--mapping", "generic",
                "--store", str(folder / "cli-store"),
            ],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip
        reference = time.perf_counter() - started
        print("reference (no HTTP, no ledger):")
        _line("file import, CLI (CSV)", reference, len(records), {})
        print(f"ratio push (new batch, run 1) / file import: {first / reference:.2f}")
    finally:
        if server is not None:
            server.terminate()
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of the new-batch push")
    args = parser.parse_args(argv)
    run(args.dossiers, args.repeat)


if __name__ == "__main__":
    main()
