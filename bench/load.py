#!/usr/bin/env python
"""Load test (issue 14 item 5): gunicorn with 4 workers on PostgreSQL, driven by locust.

    nice python bench/load.py [--contracts 1000000] [--small 10000] [--users 20]
        [--duration 60] [--workers 4] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

For each hub size (``--small`` first, then ``--contracts``) it builds a hub with
bench/api.py's builder (400 councils, register-shaped contracts; 1,000,000 contracts take many
minutes, outside every timing) in a fresh PostgreSQL database, adds officers (one per council
of the first twenty) and two coordinators with API tokens, runs the alignment once, and serves
the app with ``gunicorn --workers 4`` on 127.0.0.1 (loopback only). Locust (bench/locustfile.py)
then runs headless for ``--duration`` seconds with ``--users`` simulated people: officers
upload small registers of their council, list contracts (API and pages); coordinators read
opportunities and the tender plan.

Prints, per size: requests, throughput (requests/s), p50/p95/p99 in ms and the error count,
per request kind and overall; then on its LAST line the API flatness ratio under load:
``load api p95 ratio: X.XX (p95 of the contract list at N / at 10,000; target <= 2.0)``.
The databases are dropped at the end, even on failure.
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
import urllib.request
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PLATFORM = os.path.join(ROOT, "platform")
for path in (PLATFORM, HERE, ROOT):
    if path not in sys.path:
        sys.path.insert(0, path)

from api import build_hub  # noqa: E402
from bench_support import Databases, make_app  # noqa: E402

API_LIST = "api list"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def people(url: str, workdir: str, categories: list[str]) -> dict:
    from procurehub.accounts import service as accounts
    from procurehub.alignment.store import run_alignment
    from procurehub.extensions import db

    app = make_app(url, workdir)
    tokens: dict = {"officers": [], "coordinators": [], "categories": categories[:6]}
    with app.app_context():
        for n in range(20):
            code = f"B{n:05d}"
            email = f"officer{n}@load.example"
            accounts.add_user(email, code, ("officer",), password="load test password")
            tokens["officers"].append([code, accounts.create_token(accounts.get_user(email))])
        for n in range(2):
            email = f"coordinator{n}@load.example"
            accounts.add_user(email, "B00000", ("coordinator",), password="load test password")
            tokens["coordinators"].append(accounts.create_token(accounts.get_user(email)))
        db.session.commit()
        started = time.perf_counter()
        found = run_alignment(date.today())
        print(f"  alignment: {found.found} opportunities in {time.perf_counter() - started:.1f} s",
              flush=True)  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    return tokens


def serve(url: str, workdir: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        PROCUREHUB_SECRET_KEY="load-test",
        PROCUREHUB_INSTANCE_PATH=os.path.join(workdir, "instance"),
        PYTHONPATH=os.pathsep.join([PLATFORM, ROOT]),
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "procurehub:create_app()",
        ],  # fmt: skip
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
                if r.status == 200:
                    return process, port
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit("gunicorn did not start")
        time.sleep(0.5)


def run_locust(port: int, tokens_file: str, users: int, duration: int, prefix: str) -> list[dict]:
    env = dict(os.environ, LOAD_TOKENS=tokens_file)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            os.path.join(HERE, "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 5)),
            "-t",
            f"{duration}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],  # fmt: skip
        env=env,
        check=False,
    )
    with open(prefix + "_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def measure(rows: list[dict], label: str) -> float:
    """Print the table; return the p95 of the API list requests (all list queries together)."""
    print(f"\n  {label}")
    print(f"  {'request':<34}{'count':>7}{'errors':>7}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        print(
            f"  {name[:33]:<34}{int(row['Request Count']):>7}{int(row['Failure Count']):>7}"
            f"{float(row['Requests/s']):>8.1f}{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}"
        )
    lists = [r for r in rows if r["Name"].startswith(API_LIST) and int(r["Request Count"])]
    # p95 over every list request: the count-weighted upper bound of the per-query p95s
    total = sum(int(r["Request Count"]) for r in lists)
    ordered = sorted(lists, key=lambda r: float(r["95%"]))
    seen = 0
    for r in ordered:
        seen += int(r["Request Count"])
        if seen >= 0.95 * total:
            return float(r["95%"])
    return float(ordered[-1]["95%"]) if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--councils", type=int, default=400)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="procurehub-load-")
    dbs = Databases(args.database_url, workdir)
    p95: dict[int, float] = {}
    errors = 0
    try:
        for size in (args.small, args.contracts):
            print(f"hub of {size:,} contracts", flush=True)
            url, categories = build_hub(dbs, workdir, size, args.councils)
            tokens = people(url, workdir, categories)
            tokens_file = os.path.join(workdir, f"tokens{size}.json")
            with open(tokens_file, "w") as handle:
                json.dump(tokens, handle)
            server, port = serve(url, workdir, args.workers)
            try:
                load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
                rows = run_locust(
                    port, tokens_file, args.users, args.duration, os.path.join(workdir, f"l{size}")
                )
            finally:
                server.terminate()
                server.wait(timeout=60)
            p95[size] = measure(rows, f"{size:,} contracts, {args.users} users, {args.duration} s, "
                                      f"gunicorn {args.workers} workers; uptime: {load}")  # fmt: skip
            errors += sum(int(r["Failure Count"]) for r in rows if r["Name"] == "Aggregated")
    finally:
        dbs.drop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nerrors: {errors} (target 0)")
    ratio = p95[args.contracts] / p95[args.small]
    print(
        f"load api p95 ratio: {ratio:.2f} (p95 of the contract list at {args.contracts:,} / "
        f"at {args.small:,}, under load; target <= 2.0)"
    )


if __name__ == "__main__":
    main()
